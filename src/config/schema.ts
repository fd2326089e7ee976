import { z } from 'zod';
import { MAX_LOCK_RETRIES, MAX_TIMEOUT_MS } from '../runner/options.js';
import { fleetSchema } from './fleet-schema.js';

const positiveInt = z.number().int().min(0);
/** Milliseconds Postgres (lock_timeout, statement_timeout) and Node's timers can both honour. */
const milliseconds = positiveInt.max(MAX_TIMEOUT_MS);
const systemSchema = (name: string) => /^pg_/.test(name) || name === 'information_schema';

/** Per-environment settings. Secrets are references (`env:NAME`), never literals in the file. */
export const environmentSchema = z.strictObject({
  databaseUrl: z.string().min(1),
  /** This environment only applies what `after` has applied, with the same checksum. */
  after: z.string().optional(),
  /** Mutations need --yes (or a confirmation on a terminal) and show the plan first. */
  protected: z.boolean().optional(),
  lockTimeoutMs: milliseconds.optional(),
  statementTimeoutMs: milliseconds.optional(),
  lockWaitMs: milliseconds.optional(),
  backupPolicy: z.enum(['always', 'destructive', 'never']).optional(),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    dir: z.string().min(1).optional(),
    schema: z
      .string()
      .refine((name) => !systemSchema(name), 'is a system schema: the tracking tables cannot live there')
      .optional(),
    table: z.string().optional(),
    eventsTable: z.string().optional(),
    ignore: z.array(z.string()).optional(),
    lockTimeoutMs: milliseconds.optional(),
    statementTimeoutMs: milliseconds.optional(),
    lockRetries: positiveInt.max(MAX_LOCK_RETRIES).optional(),
    lockWaitMs: milliseconds.optional(),
    backupDir: z.string().optional(),
    backupPolicy: z.enum(['always', 'destructive', 'never']).optional(),
    backupKeep: positiveInt.optional(),
    backupKeepDays: positiveInt.optional(),
    /** For `s3://` backup stores: an S3-compatible endpoint (MinIO, R2, …), path-style addressing, region. */
    backupS3: z
      .strictObject({
        endpoint: z.string().url().optional(),
        forcePathStyle: z.boolean().optional(),
        region: z.string().min(1).optional(),
        partSizeMb: z.number().int().min(5).max(5120).optional(),
      })
      .optional(),
    pgBinDir: z.string().optional(),
    lint: z.strictObject({ disabledRules: z.array(z.string()).optional() }).optional(),
    defaultEnv: z.string().optional(),
    /**
     * Tokens of the HTTP service besides $OGEL_MIGRATE_TOKEN / $OGEL_MIGRATE_READ_TOKEN: each a secret
     * reference, a role, and optionally the environments it is limited to (a CI token that deploys staging).
     */
    tokens: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'token names are lower-case'),
        z.strictObject({
          token: z.string().regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, 'a token is a reference, e.g. "env:CI_TOKEN"'),
          role: z.enum(['admin', 'read']),
          environments: z.array(z.string()).min(1).optional(),
        }),
      )
      .optional(),
    environments: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'environment names are lower-case'), environmentSchema)
      .optional(),
    /** Fleets: many tenant databases or schemas that get the same migrations (see the README's Fleets). */
    fleets: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'fleet names are lower-case'), fleetSchema).optional(),
  })
  .superRefine((config, ctx) => {
    const names = Object.keys(config.environments ?? {});
    for (const [name, env] of Object.entries(config.environments ?? {})) {
      if (env.after !== undefined && !names.includes(env.after)) {
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name, 'after'],
          message: `names unknown environment "${env.after}" (known: ${names.join(', ')})`,
        });
      }
      if (env.after === name)
        ctx.addIssue({
          code: 'custom',
          path: ['environments', name, 'after'],
          message: 'an environment cannot come after itself',
        });
    }
    // A token's scope names environments and fleets alike: one namespace, so a name means one thing.
    const fleets = Object.keys(config.fleets ?? {});
    for (const [name, fleet] of Object.entries(config.fleets ?? {})) {
      if (names.includes(name)) {
        ctx.addIssue({ code: 'custom', path: ['fleets', name], message: `"${name}" is also an environment's name` });
      }
      if (fleet.after !== undefined && !names.includes(fleet.after)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fleets', name, 'after'],
          message: `names unknown environment "${fleet.after}" (known: ${names.join(', ')})`,
        });
      }
    }
    for (const [token, grant] of Object.entries(config.tokens ?? {})) {
      for (const [index, env] of (grant.environments ?? []).entries()) {
        if (!names.includes(env) && !fleets.includes(env)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tokens', token, 'environments', index],
            message: `names unknown environment or fleet "${env}"`,
          });
        }
      }
    }
    for (const cycle of promotionCycles(config.environments ?? {})) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments', cycle[0]!, 'after'],
        message: `${cycle.map((n) => `"${n}"`).join(' → ')} is a cycle: none of them could ever be promoted to`,
      });
    }
    if (config.defaultEnv !== undefined && !names.includes(config.defaultEnv)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultEnv'],
        message: `names unknown environment "${config.defaultEnv}"`,
      });
    }
  });

export type OgelConfig = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

/**
 * Every cycle of `after` links (`a → b → a`, any length; an environment after itself is reported on its own),
 * each once, starting at its alphabetically first environment.
 */
export function promotionCycles(environments: Record<string, { after?: string | undefined }>): string[][] {
  const cycles = new Map<string, string[]>();
  for (const start of Object.keys(environments)) {
    const path: string[] = [];
    for (
      let name: string | undefined = start;
      name !== undefined && environments[name];
      name = environments[name]!.after
    ) {
      const seen = path.indexOf(name);
      if (seen !== -1) {
        const cycle = path.slice(seen);
        if (cycle.length > 1) {
          const first = cycle.indexOf([...cycle].sort()[0]!);
          const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
          cycles.set(rotated.join(' '), [...rotated, rotated[0]!]);
        }
        break;
      }
      path.push(name);
    }
  }
  return [...cycles.values()];
}
