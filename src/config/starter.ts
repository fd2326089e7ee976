import type { OgelConfig } from './schema.js';

/** The starter settings; JSON has no comments, so the .mjs/.ts forms below carry the explanations. */
export const STARTER_CONFIG: OgelConfig = {
  dir: 'migrations',
  schema: 'platform',
  table: 'schema_migrations',
  ignore: ['test_*.sql'],
  lockTimeoutMs: 5000,
  lockRetries: 5,
  lockWaitMs: 60000,
  backupDir: 'backups',
  backupPolicy: 'destructive',
  backupKeep: 10,
  defaultEnv: 'dev',
  environments: {
    dev: { databaseUrl: 'env:DATABASE_URL' },
    staging: { databaseUrl: 'env:STAGING_DATABASE_URL', after: 'dev' },
    prod: { databaseUrl: 'env:PROD_DATABASE_URL', after: 'staging', protected: true },
  },
};

/** What `ogel-migrate init` writes: every setting with its default and why you might change it. */
export function starterConfig(format: 'mjs' | 'ts' | 'json'): string {
  const body = `{
  // Migrations directory, relative to this file.
  dir: 'migrations',
  // Tracking table and event log: platform.schema_migrations / platform.schema_migration_events.
  schema: 'platform',
  table: 'schema_migrations',
  // psql-only scripts that must never run as migrations.
  ignore: ['test_*.sql'],
  // Every migration statement gets lock_timeout; when it fires the migration is retried with backoff,
  // so a migration never queues live traffic behind it for long.
  lockTimeoutMs: 5000,
  lockRetries: 5,
  // statement_timeout per statement (0 = none); unset, the server's or role's setting applies.
  // statementTimeoutMs: 600000,
  // How long a second runner waits for the first to finish before failing with LOCK_TIMEOUT.
  lockWaitMs: 60000,
  // Backups before migrate: 'always', 'destructive' (the linter found DROP/TRUNCATE/…) or 'never'.
  // Protected environments are always backed up first.
  backupDir: 'backups',
  backupPolicy: 'destructive',
  backupKeep: 10,
  // Secrets are references to environment variables ("env:NAME"), never written here.
  defaultEnv: 'dev',
  environments: {
    dev: { databaseUrl: 'env:DATABASE_URL' },
    // staging only applies what dev applied, with the same checksum.
    staging: { databaseUrl: 'env:STAGING_DATABASE_URL', after: 'dev' },
    // prod only applies what staging applied, and changes need --yes (or a confirmation on a terminal).
    prod: { databaseUrl: 'env:PROD_DATABASE_URL', after: 'staging', protected: true },
  },
}`;
  if (format === 'json') return `${JSON.stringify(STARTER_CONFIG, null, 2)}\n`;
  const header = '// ogel-migrate configuration. Flags and environment variables override these values.\n';
  return format === 'ts'
    ? `${header}export default ${body};\n`
    : `${header}/** @type {import('ogel-migrate').OgelConfig} */\nexport default ${body};\n`;
}
