import { z } from 'zod';
import { statusResponse } from './status.js';
import { lockHolder } from './common.js';

export const healthResponse = z.strictObject({ ok: z.boolean(), shuttingDown: z.boolean() });

/** `env` is null on a server of fleets only (nothing of its own to ask). */
export const readyResponse = z.strictObject({ ok: z.boolean(), env: z.string().nullable() });

/** One environment as the caller may see it. */
export const environmentInfo = z.strictObject({
  name: z.string(),
  protected: z.boolean(),
  /** The environment it only follows (`after`), or null. */
  after: z.string().nullable(),
  /** Whether the caller's token may change it. */
  writable: z.boolean(),
  /** The settings its runs use (the environment's own, else the config file's, else the defaults). */
  settings: z.strictObject({
    lockTimeoutMs: z.number(),
    statementTimeoutMs: z.number().nullable(),
    lockWaitMs: z.number(),
    backupPolicy: z.enum(['always', 'destructive', 'never']),
  }),
});

export const sessionResponse = z.strictObject({
  role: z.enum(['admin', 'read']),
  /** The token's name as the event log records it: `token admin`, `token ci-staging`. */
  actor: z.string(),
  environments: z.array(environmentInfo),
  defaultEnvironment: z.string().nullable(),
});

/** One card of the dashboard's overview. */
export const environmentSummary = environmentInfo.extend({
  status: statusResponse.omit({ migrations: true, ignored: true }).nullable(),
  /** Versions the upstream has applied and this environment has not (it lags). */
  behind: z.array(z.string()),
  /** Pending versions the upstream has not applied: a promotion would be refused. */
  blocked: z.array(z.string()),
  lock: lockHolder.nullable(),
  /** The last drift check's result in this server's lifetime, or null if none ran. */
  drifted: z.boolean().nullable(),
  error: z.string().nullable(),
});

export const environmentsResponse = z.strictObject({ environments: z.array(environmentSummary) });
