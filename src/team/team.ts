/**
 * What a team deployment adds to the HTTP server (docs/team-server.md): the Redis link that lets replicas share
 * budgets and the login guard, and, with `--auth actitime`, the people who sign in as themselves.
 */
import { ActitimeClient } from '../actitime/client.js';
import type { ResolvedClientConfig } from '../actitime/config.js';
import { LoginGuard } from '../actitime/login-guard.js';
import { RedisLink } from '../actitime/redis.js';
import { ClusterBudget, type SharedBudget } from '../actitime/shared-budget.js';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ServerContext } from '../tools/context.js';
import { People, type PersonDecision, type PersonPrincipal } from './people.js';

export interface TeamOptions {
  config: ServerConfig;
  logger: Logger;
  /** ACTITIME_REDIS_URL: share budgets and the login guard between replicas. */
  redisUrl?: string;
  /** Replicas at most (ACTITIME_MCP_REPLICAS): each one's share while Redis is down. */
  replicas: number;
  /** `--auth actitime`: every person signs in with their own actiTIME credentials. */
  perPerson: boolean;
}

export interface Team {
  /** Present with `perPerson`: the HTTP server's authentication. */
  authenticate?: (req: import('node:http').IncomingMessage) => Promise<PersonDecision>;
  /** The context a request runs in: the person's own client, or the shared one. */
  context(principal: { id: string }): ServerContext;
  close(): Promise<void>;
}

export function sharedBudgetFactory(
  link: RedisLink,
  logger: Logger,
  base: ResolvedClientConfig,
  replicas: number,
): (url: string, username: string) => SharedBudget {
  const windows = [
    { limit: base.limits.perSecond, windowMs: base.timeUnitMs },
    { limit: base.limits.perMinute, windowMs: 60 * base.timeUnitMs },
  ];
  return (url, username) => new ClusterBudget({ link, logger, url, username, windows, replicas });
}

export function openTeam(opts: TeamOptions): Team {
  const { config, logger } = opts;
  const link = opts.redisUrl ? RedisLink.open({ url: opts.redisUrl, logger }) : undefined;
  const budgets = link ? sharedBudgetFactory(link, logger, config.client, opts.replicas) : undefined;
  const closeLink = async (): Promise<void> => link?.close();

  if (!opts.perPerson) {
    const client = new ActitimeClient(config.client, {
      logger,
      ...(budgets ? { sharedBudget: budgets(config.client.baseUrl, config.client.username) } : {}),
    });
    const ctx: ServerContext = { client, config, logger };
    return {
      context: () => ctx,
      close: async () => {
        await client.close();
        await closeLink();
      },
    };
  }

  const guard = new LoginGuard({
    url: config.client.baseUrl,
    logger,
    ...(link ? { link } : {}),
    replicas: opts.replicas,
  });
  const people = new People({
    base: config.client,
    logger,
    guard,
    ...(budgets ? { sharedBudget: budgets } : {}),
  });
  return {
    authenticate: (req) => people.authenticate(req),
    context: (principal) => {
      const { person } = principal as PersonPrincipal;
      return { client: person.client, config: { ...config, client: person.client.config }, logger };
    },
    close: async () => {
      await people.close();
      await guard.close();
      await closeLink();
    },
  };
}
