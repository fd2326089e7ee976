import { z } from 'zod';

/** A migration version as written in file names: digits, optionally dotted (`008`, `006.1`, `20251122153000`). */
export const version = z.string().regex(/^\d+(\.\d+)*$/, 'a version: digits, e.g. "008"');

/** What a tracking row is keyed by: a version, or a repeatable migration's `R_<name>` (`R_views`). */
export const trackedVersion = z
  .string()
  .regex(
    /^(\d+(\.\d+)*|R_[a-z0-9][a-z0-9_]*)$/,
    'a version (digits, e.g. "008") or a repeatable migration ("R_views")',
  );

export const environmentName = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'an environment name, e.g. "staging"');

/** The body of every error response: a stable code, a message, and details typed by code. */
export const errorResponse = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});

export const lintFinding = z.strictObject({
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  file: z.string(),
  line: z.number(),
  column: z.number(),
  message: z.string(),
  hint: z.string(),
});

export const historyEvent = z.strictObject({
  id: z.number(),
  occurredAt: z.string(),
  runId: z.string(),
  event: z.string(),
  outcome: z.enum(['success', 'failure']),
  version: z.string().nullable(),
  name: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  actor: z.string(),
  host: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const lockHolder = z.strictObject({
  pid: z.number(),
  host: z.string().nullable(),
  clientAddress: z.string().nullable(),
  since: z.string().nullable(),
  applicationName: z.string().nullable(),
});

/** `?env=`: the environment from the config file (default: the server's default environment). */
export const envQuery = z.strictObject({ env: z.string().optional() });
