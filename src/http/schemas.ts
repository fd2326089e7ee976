import { z } from 'zod';

const version = z.string().regex(/^\d+(\.\d+)*$/, 'a version: digits, e.g. "008"');

/** Bodies and queries are strict: an unknown field is a 400 naming it, never silently ignored. */
export const migrateBody = z.strictObject({ to: version.optional(), dryRun: z.boolean().optional() });

export const rollbackBody = z
  .strictObject({
    steps: z.number().int().min(1).optional(),
    to: z.union([version, z.literal('0')]).optional(),
    dryRun: z.boolean().optional(),
  })
  .refine((b) => !(b.steps !== undefined && b.to !== undefined), {
    message: 'give either steps or to, not both',
    path: ['steps'],
  });

export const runQuery = z.strictObject({ env: z.string().optional(), wait: z.enum(['true', 'false']).optional() });

export const envQuery = z.strictObject({ env: z.string().optional() });

export const historyQuery = z.strictObject({
  env: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().min(1).optional(),
  event: z
    .string()
    .regex(/^[a-z_]+$/)
    .optional(),
  outcome: z.enum(['success', 'failure']).optional(),
  version: version.optional(),
});

export const versionParam = version;
