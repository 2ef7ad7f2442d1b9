/**
 * The reliability and security checklist (IDs as in docs/reliability.md), plus the IDs added with the issues that
 * delivered them (REL-RL-09, REL-RT-11, REL-TO-04, REL-CX-05, SEC-CR-08, SEC-IN-06, SEC-OUT-08: issue 8; see
 * docs/reliability.md; SIM-04, SIM-05, REL-QK-01, REL-DR-01…03: issue 9). Tests cite an ID in their title (e.g. `it('REL-RL-01 …')`); test/coverage.test.ts
 * fails when an in-scope ID is cited by no test title.
 */
export const REQUIREMENTS: Record<string, string> = {
  'REL-RL-01': 'GET 429 Retry-After 2 then 200: 2 requests, waits ~2 s, one stderr warning',
  'REL-RL-02': '429 with HTTP-date Retry-After',
  'REL-RL-03': '429 without Retry-After: jittered fallback, bounded retries',
  'REL-RL-04': 'Retry-After beyond the deadline fails at once',
  'REL-RL-05':
    'garbage Retry-After treated as missing; one beyond the cap fails its call at once, others pause only the cap',
  'REL-RL-06': 'persistent 429: 1 + maxRetries, then RateLimitedError',
  'REL-RL-07': 'PATCH and POST retried once after 429',
  'REL-RL-08': 'retry counter does not leak between calls',
  'REL-RL-09': '429 inside /batch: refused operations sent again after the window, else not_applied',
  'REL-RT-01': 'GET 503, 503, 200 with backoff band',
  'REL-RT-02': 'POST 500 sent exactly once, "may or may not have been applied"',
  'REL-RT-03': 'idempotent PATCH retried, non-idempotent not',
  'REL-RT-04': 'socket reset after send: GET retried, POST not',
  'REL-RT-05': 'ECONNREFUSED retried for any method, then NetworkError',
  'REL-RT-06': 'ENOTFOUND: ConfigError naming ACTITIME_URL, no retry',
  'REL-RT-07': '400/401/403/404/409/422 sent once, mapped',
  'REL-RT-08': 'DELETE 503 then 404 reported as deleted',
  'REL-RT-09': 'retries respect the write limiter spacing',
  'REL-RT-10':
    'only a 2xx proves credentials; one 401 per process whatever came first; it stops all further requests',
  'REL-RT-11':
    "an add with a comment never loses a concurrent writer's change; a set sends the comment explicitly",
  'REL-TH-01': 'in-flight high-water mark <= maxConcurrent',
  'REL-TH-02': 'writes never overlap, spaced by minTime',
  'REL-TH-03': 'reads not starved behind writes',
  'REL-TH-04': 'queue bound fails fast with "server busy"',
  'REL-TH-05': 'shutdown drops queued jobs, aborts in-flight, exits 0',
  'REL-TH-06': '300 concurrent writes: zero 429, exactly once, >= 90% of allowed rate',
  'REL-TH-07': 'X-Ratelimit-Remaining 0 on success makes the next request wait',
  'REL-TO-01': 'header timeout per attempt; GET retried, POST once',
  'REL-TO-02': 'stalled body: TimeoutError, socket destroyed',
  'REL-TO-03': 'attempts and backoff stay within the overall deadline',
  'REL-TO-04': 'one deadline per tool call; a write in flight at it is reported maybe_applied with its cell',
  'REL-CX-01': 'tool call cancelled in flight: connection closed, no result sent',
  'REL-CX-02': 'cancelled while queued: never sent',
  'REL-CX-03': 'cancelled during backoff: no further request',
  'REL-CX-04': 'late cancel ignored',
  'REL-CX-05':
    'a call that ends sends nothing it still had queued; fan-out refused up front beyond the call budget',
  'SEC-CR-01': '401 text names ACTITIME_USERNAME/ACTITIME_PASSWORD without secrets',
  'SEC-CR-02': 'no error class serialises a secret',
  'SEC-CR-03': 'debug-level stderr never contains a secret',
  'SEC-CR-04': 'userinfo and ?password= redacted',
  'SEC-CR-05': 'redaction is linear on pathological input',
  'SEC-CR-06': 'no tool input property looks like a credential',
  'SEC-CR-07': 'insecure http to a non-loopback host refused unless allowed',
  'SEC-CR-08': 'redaction replaces credentials and tokens, not the words after Basic or Bearer',
  'SEC-IO-01': 'every stdout line of the demo CLI is JSON-RPC',
  'SEC-IO-02': 'invalid config: empty stdout, one-line stderr, non-zero exit',
  'SEC-IO-03': 'unexpected handler exception: generic isError, stack on stderr',
  'SEC-IO-04': 'no stdout writes in src/',
  'SEC-IN-01': 'bad tool input: isError naming the field, 0 requests',
  'SEC-IN-02': 'path injection refused; ids encoded as one segment',
  'SEC-IN-03': 'dates are real calendar dates, ranges capped',
  'SEC-IN-04': 'minutes, limits and ids bounded',
  'SEC-IN-05': 'comment length cap, control characters rejected (prompt arguments too)',
  'SEC-IN-06': 'unknown properties refused at every depth with their path; ids as numbers or digit strings',
  'SEC-OUT-01': 'response over maxResponseBytes: ResponseTooLargeError',
  'SEC-OUT-02': 'large lists paged with hasMore/nextOffset under the text cap',
  'SEC-OUT-03': 'HTML or malformed JSON: UnexpectedResponseError',
  'SEC-OUT-04': 'schema mismatch names the field; extras ignored',
  'SEC-OUT-05': 'structuredContent passes outputSchema, text is the same JSON',
  'SEC-OUT-06': 'invisible and bidi characters stripped from results',
  'SEC-OUT-07': 'hostile upstream messages capped and quoted after our template',
  'SEC-OUT-08': 'errors are data; one formatter writes every sentence; "actiTIME said" quotes only actiTIME',
  'SEC-TS-01': 'registry invariants',
  'SEC-TS-02': 'tools/list snapshot',
  'SEC-TS-03': 'read-only mode hides write tools',
  'SEC-TS-04': 'README tool section is generated',
  'SEC-CF-01': 'a client with elicitation is asked before a delete; only accept deletes',
  'SEC-CF-02':
    'without elicitation: confirmation_required + single-use token bound to call and state; refusals say why',
  'SEC-CF-03': 'ACTITIME_CONFIRM=never applies at once; delete results say what went',
  'SEC-CF-04':
    'every destructive tool, and under ACTITIME_CONFIRM=writes every write tool, goes through the step',
  'SEC-HT-01': 'HTTP binds to loopback by default',
  'SEC-HT-02': 'foreign Origin refused',
  'SEC-HT-03': 'foreign Host refused',
  'SEC-HT-04': 'no Origin accepted',
  'SEC-HT-05': 'bearer token and sessions',
  'SEC-HT-06': 'body size cap',
  'SEC-HT-07':
    'sessions never lock out: LRU idle session closed at the cap (404 after), busy ones kept, 503 only when all busy, idle expiry',
  'SEC-HT-08':
    'stateless mode: no session ids, any instance answers any request, same Host/Origin/token checks',
  'SEC-PL-01':
    'dryRun returns a planToken; confirm applies exactly the planned cells through one POST /batch',
  'SEC-PL-02': 'a cell changed between plan and apply is a conflict (current vs expected), not written',
  'SEC-PL-03': 'a replayed token or one for other arguments is refused, nothing written',
  'SEC-PL-04': 'an expired plan token is refused, nothing written',
  'SEC-PL-05': 'a lowering set without elicitation returns confirmation_required; confirm applies it',
  'SEC-PL-06': 'with elicitation: accept applies, decline/cancel write nothing and say so',
  'SEC-PL-07': 'ACTITIME_CONFIRM=never applies at once; =writes confirms every write',
  'SEC-PL-08': 'write results show per day weekday, total after, schedule and warnings',
  'SEC-PL-09': 'log_leave_time: plan → apply with a conflict, lowering confirmed',
  'SIM-01': 'every route a tool uses exists in the simulator',
  'SIM-02': 'simulator error shapes match what errors.ts parses',
  'SIM-03': '--demo starts without credentials on loopback',
  'SIM-04': 'quirk switches: each alternative modelled, selectable by option and CLI',
  'SIM-05': 'ids never reused after delete',
  'REL-DR-01': 'doctor: read-only, one request at a time, within ~20 requests; stops at the first 401',
  'REL-DR-02':
    'doctor --write-probe puts back what it changed (cell minutes and comment, probe subscription)',
  'REL-DR-03': 'doctor names each quirk switch it can observe, and reports the default simulator as ok',
  'REL-UN-01':
    'undo journal: log_time add undone exactly by one negative delta; journal file 0600 in a 0700 dir',
  'REL-UN-02': 'undo of a log_time set restores the previous value (and comment when known, else says so)',
  'REL-UN-03': 'an undo is journaled; undoing it redoes',
  'REL-UN-04': 'undo after someone else changed the cell: conflict with current vs expected, nothing written',
  'REL-UN-05': 'log_leave_time add and set are undone',
  'REL-UN-06': 'undo of a create deletes it, and refuses when time was logged on it since',
  'REL-UN-07': 'undo of update_work_item restores the previous fields',
  'REL-UN-08': 'list_recent_changes lists this server’s changes; unknown ids are not_found',
  'REL-UN-09': 'the journal survives a restart and is keyed by actiTIME URL and user',
  'REL-UN-10': 'ACTITIME_JOURNAL=off: the undo tools say there is no journal',
  'REL-UN-11': 'an unwritable journal never loses the write; the result says it is not undoable',
  'REL-UN-12': 'the journal is bounded: rotation to .1, one kept',
  'REL-UN-13': 'a plan applied after a concurrent change journals only the cells it wrote',
  'REL-TM-12':
    'timer file: one per URL and user, compare-and-set, 0600 in 0700, atomic, stale locks taken over',
  'REL-QK-01':
    'every tool works under each simulator quirk profile: the alternative is tolerated, never fatal',
};

/**
 * IDs that must be cited by at least one test. Grows with the issues that deliver them; an ID leaves this list
 * only with a note saying why.
 */
export const IN_SCOPE: readonly string[] = Object.keys(REQUIREMENTS);
