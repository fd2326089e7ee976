import { z } from 'zod';

const positiveInt = z.number().int().min(0);
const placeholderName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a placeholder name, e.g. "region"');
/** A tenant schema's name goes into SQL through `${schema}` and into the tracking table's name: keep it plain. */
export const schemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a schema name: lower-case letters, digits, _ (up to 63)');

/**
 * Where a fleet's targets come from; exactly one per fleet. URLs in the config are secret references
 * (`env:NAME`) or URLs without a password, as for environments; a targets file or a control database's query
 * may carry passwords (they are never printed).
 */
const sources = {
  /** A static list: URLs, or `{ name, databaseUrl }` to name a target. */
  targets: z
    .array(
      z.union([
        z.string().min(1),
        z.strictObject({ name: z.string().regex(/^[\w.-]+$/), databaseUrl: z.string().min(1) }),
      ]),
    )
    .min(1)
    .optional(),
  /** A file with one URL per line (`name URL` to name one; `#` comments), relative to the config file. */
  targetsFile: z.string().min(1).optional(),
  /** A query on a control database returning `name` and `url` (more columns become placeholders). */
  query: z.strictObject({ databaseUrl: z.string().min(1), sql: z.string().min(1) }).optional(),
  /**
   * Schema per tenant in one database: a list of schemas, or a query returning `schema` (more columns become
   * placeholders). Each tenant's tracking table lives in its own schema.
   */
  schemas: z
    .strictObject({
      databaseUrl: z.string().min(1),
      list: z.array(schemaName).min(1).optional(),
      query: z.string().min(1).optional(),
    })
    .refine((s) => (s.list === undefined) !== (s.query === undefined), 'give either list or query')
    .optional(),
};

/** One fleet: many databases (or schemas) that get the same migrations, with the same rules. */
export const fleetSchema = z
  .strictObject({
    ...sources,
    /** Values for `${name}` in the SQL, the same for every target (a target's own win). */
    placeholders: z.record(placeholderName, z.string()).optional(),
    /** Changes need `{ confirm: <fleet>, plan: <fleet plan id> }` (CLI: --yes). */
    protected: z.boolean().optional(),
    /** An environment whose applied migrations bound what the fleet may apply (promotion, as for environments). */
    after: z.string().optional(),
    /** Targets worked on at once by one worker, each holding one connection (default 4). */
    concurrency: z.number().int().min(1).max(256).optional(),
    /** The first K targets go first; a failure among them stops the run before the rest. */
    canary: positiveInt.optional(),
    /** Stop starting targets after this many failed or unreachable ones. */
    stopAfterFailures: z.number().int().min(1).optional(),
    /** Tracking location in each target (schema fleets: the table, in each tenant's schema). */
    schema: z.string().optional(),
    table: z.string().optional(),
    lockTimeoutMs: positiveInt.optional(),
    statementTimeoutMs: positiveInt.optional(),
    /** How long a target another run holds may keep being come back to before it counts as failed. */
    lockWaitMs: positiveInt.optional(),
    /** Backups before a tenant's run (database fleets): `never` by default, see the README's Fleets section. */
    backupPolicy: z.enum(['always', 'destructive', 'never']).optional(),
    /** How often `serve` refreshes the fleet's status in the background, for /fleet and /metrics (default 60 s). */
    statusRefreshMs: z.number().int().min(1000).optional(),
  })
  .superRefine((fleet, ctx) => {
    const given = Object.keys(sources).filter((key) => fleet[key as keyof typeof sources] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          given.length === 0
            ? 'a fleet needs its targets: one of targets, targetsFile, query, schemas'
            : `give one source of targets, not ${given.join(' and ')}`,
      });
    }
    if (fleet.schemas && fleet.schema !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['schema'],
        message: "a schema fleet keeps each tenant's tracking table in the tenant's own schema",
      });
    }
    if (fleet.schemas && fleet.backupPolicy !== undefined && fleet.backupPolicy !== 'never') {
      ctx.addIssue({
        code: 'custom',
        path: ['backupPolicy'],
        message: "backups are of whole databases: a schema fleet's tenants share one (back it up on its own)",
      });
    }
  });

export type FleetConfig = z.infer<typeof fleetSchema>;
