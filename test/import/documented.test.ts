import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { flywayChecksum } from '../../src/import/flyway-checksum.js';
import { withClient } from '../harness/db.js';
import { cleanUp, takeOver } from './takeover.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/peers/', import.meta.url));
afterAll(cleanUp);

/**
 * What each tool does when it migrates, written from its documentation and source (see the fixtures' README):
 * each file run as one query in the tool's order, then the rows its tracking table gets, in its own definition.
 */
async function apply(url: string, scripts: string[], tracking: string): Promise<void> {
  await withClient(url, async (client) => {
    for (const sql of scripts) await client.query(sql);
    await client.query(tracking);
  });
}

const read = (path: string) => readFile(path, 'utf8');
const sorted = async (dir: string, pattern: RegExp) => (await readdir(dir)).filter((f) => pattern.test(f)).sort();
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

describe('switching from a tool built to its documented format and table', () => {
  it('golang-migrate: .up/.down pairs, a file with its own BEGIN/COMMIT, schema_migrations(version, dirty)', async () => {
    const { out } = await takeOver({
      tool: 'golang-migrate',
      fixture: join(FIXTURES, 'golang-migrate'),
      later: ['migrations/000003_create_posts.up.sql', 'migrations/000003_create_posts.down.sql'],
      runPeer: async (src, url) => {
        const files = await sorted(join(src, 'migrations'), /\.up\.sql$/);
        const last = Number(files.at(-1)!.split('_')[0]);
        await apply(
          url,
          await Promise.all(files.map((f) => read(join(src, 'migrations', f)))),
          `CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
           INSERT INTO schema_migrations (version, dirty) VALUES (${last}, false);`,
        );
      },
      peerTables: ['public.schema_migrations'],
      expectApplied: ['000003'],
    });
    expect(await read(join(out, '000002_add_name.sql'))).toBe(
      '-- ogel:no-transaction (imported: has its own BEGIN/COMMIT, run as written)\n' +
        (await read(join(FIXTURES, 'golang-migrate/migrations/000002_add_name.up.sql'))),
    );
  });

  it('pop: the .postgres file wins over the generic one, other dialects skipped, .autocommit outside a transaction', async () => {
    const { out, result } = await takeOver({
      tool: 'pop',
      fixture: join(FIXTURES, 'pop'),
      later: ['migrations/20240103000000_create_posts.up.sql', 'migrations/20240103000000_create_posts.down.sql'],
      runPeer: async (src, url) => {
        const dir = join(src, 'migrations');
        const versions = [...new Set((await sorted(dir, /\.up\.sql$/)).map((f) => f.split('_')[0]!))];
        const scripts: string[] = [];
        for (const version of versions) {
          const files = (await sorted(dir, new RegExp(`^${version}_.*\\.up\\.sql$`))).filter(
            (f) => !f.includes('.mysql.'),
          );
          scripts.push(await read(join(dir, files.find((f) => f.includes('.postgres.')) ?? files[0]!)));
        }
        await apply(
          url,
          scripts,
          `CREATE TABLE IF NOT EXISTS schema_migration (version varchar(14) NOT NULL);
           CREATE UNIQUE INDEX IF NOT EXISTS schema_migration_version_idx ON schema_migration (version);
           INSERT INTO schema_migration (version) VALUES ${versions.map((v) => `(${q(v)})`).join(', ')};`,
        );
      },
      peerTables: ['public.schema_migration'],
      expectApplied: ['20240103000000'],
    });
    expect(await read(join(out, '20240102000000_add_name.sql'))).toBe('ALTER TABLE users ADD COLUMN name text;\n');
    expect(await read(join(out, '20240102000500_index_users.sql'))).toMatch(
      /^-- ogel:no-transaction \(imported: pop \.autocommit\)\n/,
    );
    const skipped = result.skipped as Array<{ file: string; reason: string }>;
    // Paths are relative to the tool's migrations folder.
    expect(skipped.map((s) => s.file)).toContain('20240102000000_add_name.mysql.up.sql');
  });

  it('sqlx: reversible files, -- no-transaction, _sqlx_migrations', async () => {
    await takeOver({
      tool: 'sqlx',
      fixture: join(FIXTURES, 'sqlx'),
      later: ['migrations/20240103000000_create_posts.up.sql', 'migrations/20240103000000_create_posts.down.sql'],
      runPeer: async (src, url) => {
        const dir = join(src, 'migrations');
        const files = await sorted(dir, /\.up\.sql$/);
        const scripts = await Promise.all(files.map((f) => read(join(dir, f))));
        const rows = files.map((f, i) => {
          const [version, ...rest] = f.replace(/\.up\.sql$/, '').split('_');
          const sum = createHash('sha384').update(scripts[i]!).digest('hex');
          return `(${version}, ${q(rest.join(' '))}, true, '\\x${sum}'::bytea, 1)`;
        });
        await apply(
          url,
          scripts,
          `CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
             installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL,
             execution_time BIGINT NOT NULL);
           INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ${rows.join(', ')};`,
        );
      },
      peerTables: ['public._sqlx_migrations'],
      expectApplied: ['20240103000000'],
    });
  });

  it('refinery: V<n>__name.sql, refinery_schema_history', async () => {
    await takeOver({
      tool: 'refinery',
      fixture: join(FIXTURES, 'refinery'),
      later: ['migrations/V3__create_posts.sql'],
      runPeer: async (src, url) => {
        const dir = join(src, 'migrations');
        const files = (await sorted(dir, /^V\d+__/)).sort(
          (a, b) => Number(a.slice(1).split('_')[0]) - Number(b.slice(1).split('_')[0]),
        );
        await apply(
          url,
          await Promise.all(files.map((f) => read(join(dir, f)))),
          `CREATE TABLE IF NOT EXISTS refinery_schema_history (version int4 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255));
           INSERT INTO refinery_schema_history VALUES ${files.map((f) => `(${Number(f.slice(1).split('_')[0])}, ${q(f.split('__')[1]!.replace('.sql', ''))}, now()::text, '0')`).join(', ')};`,
        );
      },
      peerTables: ['public.refinery_schema_history'],
      expectApplied: ['3'],
    });
  });

  it('diesel: migration directories, metadata.toml run_in_transaction = false, __diesel_schema_migrations', async () => {
    const { out } = await takeOver({
      tool: 'diesel',
      fixture: join(FIXTURES, 'diesel'),
      later: ['migrations/2024-01-03-000000_create_posts'],
      runPeer: async (src, url) => {
        const dirs = (await readdir(join(src, 'migrations'))).sort();
        await apply(
          url,
          await Promise.all(dirs.map((d) => read(join(src, 'migrations', d, 'up.sql')))),
          `CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
           INSERT INTO __diesel_schema_migrations (version) VALUES ${dirs.map((d) => `(${q(d.split('_')[0]!.replace(/-/g, ''))})`).join(', ')};`,
        );
      },
      peerTables: ['public.__diesel_schema_migrations'],
      expectApplied: ['20240103000000'],
    });
    expect(await read(join(out, '20240102000000_index_users.sql'))).toMatch(
      /^-- ogel:no-transaction \(imported: diesel metadata\.toml/,
    );
    expect(existsSync(join(out, '00000000000000_diesel_initial_setup.down.sql'))).toBe(true);
  });

  it('Flyway: V, U (undo) and R__ scripts, sub-folders, .sql.conf, placeholders from flyway.conf, flyway_schema_history', async () => {
    const { out } = await takeOver({
      tool: 'flyway',
      fixture: join(FIXTURES, 'flyway'),
      later: ['sql/V2__Create_posts.sql'],
      runPeer: async (src, url) => {
        const scripts = ['sql/V1__Create_users.sql', 'sql/V1_1__Add_name.sql', 'sql/indexes/V1.2__Index_users.sql'];
        if (existsSync(join(src, 'sql/V2__Create_posts.sql'))) scripts.push('sql/V2__Create_posts.sql');
        const repeatable = 'sql/R__User_names.sql';
        const bodies = await Promise.all([...scripts, repeatable].map((s) => readFile(join(src, s))));
        const rows = [...scripts, repeatable].map((script, i) => {
          const base = script.split('/').pop()!;
          const version = base.startsWith('R') ? 'NULL' : q(base.slice(1).split('__')[0]!.replace(/_/g, '.'));
          const description = base.split('__')[1]!.replace('.sql', '').replace(/_/g, ' ');
          return `(${i + 2}, ${version}, ${q(description)}, 'SQL', ${q(base)}, ${flywayChecksum(bodies[i]!)}, 'postgres', 3, true)`;
        });
        await apply(
          url,
          bodies.map((b) => b.toString('utf8').replace(/\$\{schema\}/g, 'public')),
          `CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
             "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL,
             "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL,
             CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank"));
           CREATE INDEX "flyway_schema_history_s_idx" ON "flyway_schema_history" ("success");
           INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
             VALUES (1, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', '"public"', NULL, 'postgres', 0, true), ${rows.join(', ')};`,
        );
      },
      peerTables: ['public.flyway_schema_history'],
      expectApplied: ['2'],
    });
    expect((await readdir(out)).sort()).toEqual(
      [
        '1.1_add_name.down.sql',
        '1.1_add_name.sql',
        '1.2_index_users.sql',
        '1_create_users.sql',
        '2_create_posts.sql',
        '99999999999999999_add_audit.sql',
        'IMPORT.md',
        'R_user_names.sql',
      ].sort(),
    );
    expect(await read(join(out, 'R_user_names.sql'))).toBe(
      'CREATE OR REPLACE VIEW public.user_names AS SELECT id, name FROM public.users;\r\n',
    );
  });

  it('Supabase CLI: supabase/migrations, supabase_migrations.schema_migrations, the seed left out', async () => {
    const { result } = await takeOver({
      tool: 'supabase',
      fixture: join(FIXTURES, 'supabase'),
      later: ['supabase/migrations/20240103000000_create_posts.sql'],
      runPeer: async (src, url) => {
        const dir = join(src, 'supabase/migrations');
        const files = await sorted(dir, /\.sql$/);
        const bodies = await Promise.all(files.map((f) => read(join(dir, f))));
        await apply(
          url,
          bodies,
          `CREATE SCHEMA IF NOT EXISTS supabase_migrations;
           CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
           ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
           ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
           INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES
           ${files.map((f, i) => `(${q(f.split('_')[0]!)}, ${q(f.replace(/^\d+_|\.sql$/g, ''))}, ARRAY[${q(bodies[i]!)}])`).join(', ')};`,
        );
      },
      peerTables: ['supabase_migrations.schema_migrations'],
      peerSchemas: ['supabase_migrations'],
      expectApplied: ['20240103000000'],
    });
    expect(result.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'supabase/seed.sql' })]));
  });

  it('Prisma: <timestamp>_<name>/migration.sql, _prisma_migrations with its sha256 checksums', async () => {
    const { result } = await takeOver({
      tool: 'prisma',
      fixture: join(FIXTURES, 'prisma'),
      later: ['prisma/migrations/20240103000000_posts'],
      runPeer: async (src, url) => {
        const dir = join(src, 'prisma/migrations');
        const names = (await readdir(dir)).filter((d) => /^\d+_/.test(d)).sort();
        const bodies = await Promise.all(names.map((n) => readFile(join(dir, n, 'migration.sql'))));
        await apply(
          url,
          bodies.map((b) => b.toString('utf8')),
          `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) NOT NULL, "checksum" VARCHAR(64) NOT NULL,
             "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
             "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
             CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id"));
           INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES
           ${names.map((n, i) => `(${q(randomUUID())}, ${q(createHash('sha256').update(bodies[i]!).digest('hex'))}, now(), ${q(n)}, 1)`).join(', ')};`,
        );
      },
      peerTables: ['public._prisma_migrations'],
      expectApplied: ['20240103000000'],
    });
    expect(JSON.stringify(result.problems)).not.toContain('changed-since-applied');
  });

  it('Sqitch: sqitch.plan order, BEGIN/COMMIT scripts run as written, verify scripts kept as checks, sqitch.changes', async () => {
    const { out } = await takeOver({
      tool: 'sqitch',
      fixture: join(FIXTURES, 'sqitch'),
      later: ['deploy/posts.sql'],
      runPeer: async (src, url) => {
        const plan = await read(join(src, 'sqitch.plan'));
        const changes = plan
          .split('\n')
          .filter((l) => /^[a-z]/.test(l))
          .map((l) => l.split(' ')[0]!)
          .filter((c) => existsSync(join(src, 'deploy', `${c}.sql`)));
        const bodies = await Promise.all(changes.map((c) => readFile(join(src, 'deploy', `${c}.sql`))));
        await apply(
          url,
          bodies.map((b) => b.toString('utf8')),
          `CREATE SCHEMA IF NOT EXISTS sqitch;
           CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL UNIQUE, change TEXT NOT NULL,
             project TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
             committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL,
             planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE (project, script_hash));
           INSERT INTO sqitch.changes (change_id, script_hash, change, project, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES
           ${changes.map((c, i) => `(${q(randomUUID())}, ${q(createHash('sha1').update(bodies[i]!).digest('hex'))}, ${q(c)}, 'flipr', 'Ada', 'ada@example.com', now(), 'Ada', 'ada@example.com')`).join(', ')};`,
        );
      },
      peerTables: ['sqitch.changes'],
      peerSchemas: ['sqitch'],
      expectApplied: ['003'],
    });
    expect((await readdir(join(out, '_checks'))).sort()).toEqual([
      '001_users.verify.sql',
      '002_add_name.verify.sql',
      '003_posts.verify.sql',
    ]);
    expect(await read(join(out, '002_add_name.down.sql'))).toMatch(
      /^-- ogel:no-transaction \(imported: has its own BEGIN\/COMMIT/,
    );
  });
});
