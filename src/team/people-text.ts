/** What a person's MCP client is told when the team server cannot run a request as them. */
export const PEOPLE_TEXT = {
  sendCredentials:
    'Unauthorized: send your actiTIME username and password (Authorization: Basic base64(username:password))',
  refused: 'Unauthorized: actiTIME refused these credentials; correct them in your MCP client configuration',
  refusedRecently:
    'Unauthorized: actiTIME refused these credentials a few minutes ago; correct them in your MCP client configuration (they are not tried again for now, to keep the server from being banned)',
  signInsPaused: (seconds: number) =>
    `Service unavailable: sign-ins are paused so failed ones cannot get this server banned by actiTIME; retry in ${seconds} s`,
  banned: 'Service unavailable: actiTIME has banned this server address for a minute; retry in 60 s',
  unreachable: 'Bad gateway: actiTIME did not answer the sign-in check; retry shortly',
  shuttingDown: 'Service unavailable: the server is shutting down',
} as const;
