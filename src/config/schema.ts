import { z } from 'zod';

const positiveInt = z.number().int().min(0);

/** Per-environment settings. Secrets are references (`env:NAME`), never literals in the file. */
export const environmentSchema = z.strictObject({
  databaseUrl: z.string().min(1),
  /** This environment only applies what `after` has applied, with the same checksum. */
  after: z.string().optional(),
  /** Mutations need --yes (or a confirmation on a terminal) and show the plan first. */
  protected: z.boolean().optional(),
  lockTimeoutMs: positiveInt.optional(),
  statementTimeoutMs: positiveInt.optional(),
  lockWaitMs: positiveInt.optional(),
  backupPolicy: z.enum(['always', 'destructive', 'never']).optional(),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    dir: z.string().min(1).optional(),
    schema: z.string().optional(),
    table: z.string().optional(),
    eventsTable: z.string().optional(),
    ignore: z.array(z.string()).optional(),
    lockTimeoutMs: positiveInt.optional(),
    statementTimeoutMs: positiveInt.optional(),
    lockRetries: positiveInt.optional(),
    lockWaitMs: positiveInt.optional(),
    backupDir: z.string().optional(),
    backupPolicy: z.enum(['always', 'destructive', 'never']).optional(),
    backupKeep: positiveInt.optional(),
    backupKeepDays: positiveInt.optional(),
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
    for (const [token, grant] of Object.entries(config.tokens ?? {})) {
      for (const [index, env] of (grant.environments ?? []).entries()) {
        if (!names.includes(env)) {
          ctx.addIssue({
            code: 'custom',
            path: ['tokens', token, 'environments', index],
            message: `names unknown environment "${env}"`,
          });
        }
      }
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
