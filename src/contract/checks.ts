import { z } from 'zod';

export const verifyOutcome = z.enum([
  'ok',
  'irreversible',
  'down-does-not-restore',
  'up-not-repeatable',
  'up-failed',
  'down-failed',
  'not-run',
]);

export const verifyReport = z.strictObject({
  ok: z.boolean(),
  scratch: z.string(),
  from: z.string().nullable(),
  results: z.array(
    z.strictObject({
      version: z.string(),
      name: z.string(),
      outcome: verifyOutcome,
      differences: z.array(z.string()),
      error: z.string().optional(),
      durationMs: z.number(),
    }),
  ),
  durationMs: z.number(),
});

export const verifyResponse = z.strictObject({ report: verifyReport.nullable() });

export const schemaDifference = z.strictObject({
  kind: z.enum(['added', 'removed', 'changed']),
  objectType: z.string(),
  identity: z.string(),
  attribute: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  severity: z.enum(['error', 'info']),
  parent: z.string().optional(),
  message: z.string(),
  description: z.string(),
});

export const driftResponse = z.strictObject({
  drifted: z.boolean(),
  version: z.string().nullable(),
  differences: z.array(schemaDifference),
  caveats: z.array(z.string()),
});
