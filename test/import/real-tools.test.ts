import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePeers, peerBin, PEERS } from '../harness/peers.js';
import { cleanUp, takeOver } from './takeover.js';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('../fixtures/peers/', import.meta.url));
const env = { PATH: process.env.PATH, HOME: process.env.HOME };

beforeAll(() => ensurePeers(), 300_000);
afterAll(cleanUp);

// These run the real tools (installed from npm into test/peers) against real PostgreSQL.
describe('switching from a tool that runs here', () => {
  it('dbmate: sections split byte for byte, transaction:false kept, its schema_migrations taken over', async () => {
    const { out } = await takeOver({
      tool: 'dbmate',
      fixture: join(FIXTURES, 'dbmate'),
      later: ['db/migrations/20240103000000_create_posts.sql'],
      runPeer: async (src, url) => {
        const dbUrl = `${url}${url.includes('?') ? '&' : '?'}sslmode=disable`;
        await run(
          peerBin('dbmate'),
          ['--url', dbUrl, '--migrations-dir', join(src, 'db/migrations'), '--no-dump-schema', 'migrate'],
          { env },
        );
      },
      peerTables: ['public.schema_migrations'],
      expectApplied: ['20240103000000'],
    });
    const index = await readFile(join(out, '20240102000000_index_users_email.sql'), 'utf8');
    expect(index).toBe(
      '-- ogel:no-transaction (imported: dbmate transaction:false)\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n\n',
    );
    expect(await readFile(join(out, '20240101000000_create_users.down.sql'), 'utf8')).toBe('DROP TABLE users;\n');
  });

  it('node-pg-migrate: SQL migrations from their marker comments, pgmigrations taken over', async () => {
    const { out } = await takeOver({
      tool: 'node-pg-migrate',
      fixture: join(FIXTURES, 'node-pg-migrate'),
      later: ['migrations/1704240000000_create-posts.sql'],
      runPeer: async (src, url) => {
        await run(peerBin('node-pg-migrate'), ['up', '--migrations-dir', join(src, 'migrations')], {
          env: { ...env, DATABASE_URL: url },
        });
      },
      peerTables: ['public.pgmigrations'],
      expectApplied: ['1704240000000'],
    });
    const up = await readFile(join(out, '1704153600000_users_name.sql'), 'utf8');
    expect(up.startsWith('-- Up Migration\nALTER TABLE users ADD COLUMN name text;')).toBe(true);
  });

  it('graphile-migrate: committed migrations with their headers, --! no-transaction, graphile_migrate.migrations', async () => {
    const { out, result } = await takeOver({
      tool: 'graphile-migrate',
      fixture: join(FIXTURES, 'graphile-migrate'),
      later: ['migrations/committed/000003-create-posts.sql'],
      runPeer: async (src, url) => {
        await run(peerBin('graphile-migrate'), ['migrate'], { cwd: src, env: { ...env, DATABASE_URL: url } });
      },
      peerTables: ['graphile_migrate.migrations', 'graphile_migrate.current'],
      peerSchemas: ['graphile_migrate'],
      expectApplied: ['000003'],
    });
    const source = await readFile(
      join(FIXTURES, 'graphile-migrate/migrations/committed/000002-index-users.sql'),
      'utf8',
    );
    expect(await readFile(join(out, '000002_index_users.sql'), 'utf8')).toBe(
      `-- ogel:no-transaction (imported: graphile-migrate --! no-transaction)\n${source}`,
    );
    // Its hashes, recomputed as graphile-migrate computes them, match the files' headers and its table.
    expect(JSON.stringify(result.problems)).not.toMatch(/edited-after-commit|changed-since-applied/);
  });

  it('knex: the SQL placed beside each JavaScript migration, matched to its knex_migrations row', async () => {
    const { result } = await takeOver({
      tool: 'knex',
      fixture: join(FIXTURES, 'knex'),
      later: [
        'migrations/20240102000000_create_posts.js',
        'migrations/20240102000000_create_posts.up.sql',
        'migrations/20240102000000_create_posts.down.sql',
      ],
      runPeer: async (src, url) => {
        // knex's CLI looks for knex in the project; its API is the same migrator.
        const knex = createRequire(join(PEERS, 'package.json'))('knex') as (config: object) => {
          migrate: { latest(): Promise<unknown> };
          destroy(): Promise<void>;
        };
        const db = knex({
          client: 'pg',
          connection: url,
          migrations: { directory: join(src, 'migrations'), loadExtensions: ['.js'] },
        });
        try {
          await db.migrate.latest();
        } finally {
          await db.destroy();
        }
      },
      peerTables: ['public.knex_migrations', 'public.knex_migrations_lock'],
      expectApplied: ['20240102000000'],
    });
    expect(result.skipped).toEqual(
      expect.arrayContaining([expect.objectContaining({ file: '20240101000000_create_users.js' })]),
    );
  });

  it('postgres-migrations: disable-transaction kept, its migrations table and hashes checked', async () => {
    const require = createRequire(join(PEERS, 'package.json'));
    const { migrate } = require('postgres-migrations') as { migrate: (db: object, dir: string) => Promise<unknown> };
    const pg = require('pg') as typeof import('pg');
    const { result } = await takeOver({
      tool: 'postgres-migrations',
      fixture: join(FIXTURES, 'postgres-migrations'),
      later: ['migrations/3_create-posts.sql'],
      runPeer: async (src, url) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await migrate({ client }, join(src, 'migrations'));
        } finally {
          await client.end();
        }
      },
      peerTables: ['public.migrations'],
      expectApplied: ['3'],
    });
    // Its recorded hashes match the files: no "changed since applied" warning.
    expect(JSON.stringify(result.problems)).not.toContain('changed-since-applied');
  });
});
