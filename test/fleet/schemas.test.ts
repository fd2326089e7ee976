import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/core/checksum.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { appliedIn, fleetCli, projectWithTargets } from './fixture.js';

const UP = "CREATE TABLE ${schema}.projects (id bigint PRIMARY KEY, region text DEFAULT '${region}');";

describe('schema per tenant', () => {
  it('migrates each tenant schema with its own values, tracking each in its own schema', async () => {
    const db = await createTestDatabase('sch');
    const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'];
    // The control table lists the schemas and a per-tenant value; the query's extra columns become placeholders.
    await query(db.url, 'CREATE TABLE tenants (schema text, region text)');
    for (const [i, t] of tenants.entries()) {
      await query(db.url, `CREATE SCHEMA ${t}`);
      await query(db.url, 'INSERT INTO tenants VALUES ($1, $2)', [t, i % 2 ? 'eu' : 'us']);
    }
    const dir = await writeMigrations({
      '001_projects.sql': UP,
      '001_projects.down.sql': 'DROP TABLE ${schema}.projects;',
      '002_grant.sql': 'GRANT SELECT ON ${schema}.projects TO ${app_role};',
    });
    await query(db.url, 'CREATE ROLE app_reader');
    const config = {
      dir,
      fleets: {
        tenants: {
          schemas: { databaseUrl: 'env:APP_URL', query: 'SELECT schema, region FROM tenants ORDER BY schema' },
          placeholders: { app_role: 'app_reader' },
          concurrency: 3,
        },
      },
    };
    const { root } = await projectWithTargets([], config);
    const env = { APP_URL: db.url };

    const plan = await fleetCli(['plan'], { cwd: root, env });
    expect(plan.code).toBe(0);
    expect(plan.body.counts.behind).toBe(6);
    const done = await fleetCli(['migrate'], { cwd: root, env });
    expect(done.code).toBe(0);
    expect(done.body.counts.applied).toBe(6);

    for (const [i, t] of tenants.entries()) {
      expect(await appliedIn(db.url, t)).toEqual(['001', '002']);
      const [column] = await query<{ d: string }>(
        db.url,
        "SELECT column_default AS d FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'projects' AND column_name = 'region'",
        [t],
      );
      expect(column!.d).toBe(`'${i % 2 ? 'eu' : 'us'}'::text`);
      const [row] = await query<{ checksum: string }>(
        db.url,
        `SELECT checksum FROM ${t}.schema_migrations WHERE version = '001'`,
      );
      expect(row!.checksum).toBe(checksumOf(UP));
      const [event] = await query<{ details: Record<string, unknown> }>(
        db.url,
        `SELECT details FROM ${t}.schema_migration_events WHERE event = 'apply' ORDER BY id LIMIT 1`,
      );
      expect(event!.details).toMatchObject({
        fleet: 'tenants',
        placeholders: { schema: t, region: i % 2 ? 'eu' : 'us', app_role: 'app_reader', target: t },
      });
    }
    expect(await appliedIn(db.url, 'platform')).toEqual([]);

    const back = await fleetCli(['rollback', '--only', 'acme,g*', '--to', '001'], { cwd: root, env });
    expect(back.code).toBe(1);
    expect(back.body.targets.filter((t: any) => t.state === 'failed').map((t: any) => t.error.code)).toEqual([
      'DOWN_MISSING',
      'DOWN_MISSING',
    ]);
  });

  it('an unknown placeholder is refused before anything runs, naming the file, line and name', async () => {
    const db = await createTestDatabase('sch');
    await query(db.url, 'CREATE SCHEMA a; CREATE SCHEMA b');
    const dir = await writeMigrations({
      '001_ok.sql': 'CREATE TABLE ${schema}.ok (id int);',
      '002_typo.sql': 'CREATE TABLE ${schema}.x (id int);\nCREATE INDEX ON ${shcema}.x (id);',
    });
    const { root } = await projectWithTargets([]);
    const result = await fleetCli(['migrate', '--schemas', 'a,b', '--database-url', db.url, '--dir', dir], {
      cwd: root,
    });
    expect(result.code).toBe(2);
    expect(result.body.error).toMatchObject({
      code: 'UNKNOWN_PLACEHOLDER',
      details: { target: 'a', placeholders: [{ file: '002_typo.sql', line: 2, column: 17, name: 'shcema' }] },
    });
    expect(result.body.error.message).toContain('002_typo.sql:2:17: ${shcema}');
    expect(await appliedIn(db.url, 'a')).toEqual([]);
    expect(await query(db.url, "SELECT to_regclass('a.ok') AS r")).toEqual([{ r: null }]);
    // Status runs no SQL: the typo does not hide where the tenants stand (it refused to run at all).
    const status = await fleetCli(['status', '--schemas', 'a,b', '--database-url', db.url, '--dir', dir], {
      cwd: root,
    });
    expect(status.code).toBe(0);
    expect(status.body.counts).toMatchObject({ behind: 2 });
  });
});
