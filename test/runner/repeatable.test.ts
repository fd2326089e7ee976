import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { statusJson } from '../../src/core/status-json.js';
import { createTestDatabase, query } from '../harness/db.js';
import { addMigration, writeMigrations } from '../harness/migrations.js';
import { runCliProcess } from '../harness/cli.js';

const files = {
  '001_items.sql': 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);',
  '001_items.down.sql': 'DROP TABLE items;',
  // Name order: the function first, then the view that calls it.
  'R_a_functions.sql':
    "CREATE OR REPLACE FUNCTION label(n text) RETURNS text LANGUAGE sql AS $$ SELECT 'item ' || n $$;",
  'R_b_views.sql': 'CREATE OR REPLACE VIEW item_labels AS SELECT id, label(name) AS label FROM items;',
};

describe('repeatable migrations', () => {
  it('apply after the versioned ones in name order, again only when changed, tracked under their R_ key', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const first = await runner.migrate();
    expect(first.applied.map((a) => a.version)).toEqual(['001', 'R_a_functions', 'R_b_views']);
    expect(first.current).toBe('001');
    expect((await runner.migrate()).applied).toEqual([]);

    await addMigration(dir, '002_price.sql', 'ALTER TABLE items ADD COLUMN price numeric;');
    await addMigration(dir, '002_price.down.sql', 'ALTER TABLE items DROP COLUMN price;');
    await addMigration(
      dir,
      'R_b_views.sql',
      'CREATE OR REPLACE VIEW item_labels AS SELECT id, label(name) AS label, price FROM items;',
    );
    const status = await runner.status();
    expect(status.migrations.map((m) => [m.version, m.state])).toEqual([
      ['001', 'applied'],
      ['002', 'pending'],
      ['R_a_functions', 'applied'],
      ['R_b_views', 'pending'],
    ]);
    expect(statusJson(status)).toMatchObject({
      migrations: expect.arrayContaining([expect.objectContaining({ version: 'R_b_views', repeatable: true })]),
    });
    const plan = await runner.migrate({ dryRun: true });
    expect(plan.planned.map((p) => p.version)).toEqual(['002', 'R_b_views']);
    const second = await runner.migrate();
    expect(second.applied.map((a) => a.version)).toEqual(['002', 'R_b_views']);
    expect(second.current).toBe('002');
    expect(await query(db.url, 'SELECT * FROM item_labels')).toEqual([]);
    const cols = await query(
      db.url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'item_labels' ORDER BY ordinal_position",
    );
    expect(cols.map((c) => c.column_name)).toEqual(['id', 'label', 'price']);
    // One row per repeatable migration, replaced on each application; every application is an event.
    const rows = await query(
      db.url,
      "SELECT version, name FROM platform.schema_migrations WHERE version LIKE 'R\\_%' ORDER BY version",
    );
    expect(rows).toEqual([
      { version: 'R_a_functions', name: 'a_functions' },
      { version: 'R_b_views', name: 'b_views' },
    ]);
    const events = await query(
      db.url,
      "SELECT details->>'repeatable' AS r FROM platform.schema_migration_events WHERE version = 'R_b_views' AND event = 'apply'",
    );
    expect(events).toEqual([{ r: 'true' }, { r: 'true' }]);
    // Rollback reverts the versioned migration only (the view then blocks the down: the user's to sequence).
    expect((await runner.rollback({ dryRun: true })).planned.map((p) => p.version)).toEqual(['002']);
  });

  it('lint does not ask a repeatable migration for a down file', async () => {
    const dir = await writeMigrations(files);
    const report = await new MigrationRunner({ dir }).lint({ offline: true });
    const missingDown = report.findings.filter((f) => f.rule === 'missing-down').map((f) => f.file);
    expect(missingDown).toEqual([]);
    expect(report.files).toContain('R_b_views.sql');
  });

  it('status and plan show them in the CLI', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(files);
    const env = { DATABASE_URL: db.url };
    const plan = await runCliProcess(['plan', '--dir', dir], { env });
    expect(plan.stdout).toContain('R_b_views  R_b_views.sql  one transaction  repeatable');
    expect((await runCliProcess(['migrate', '--dir', dir], { env })).code).toBe(0);
    await addMigration(dir, 'R_b_views.sql', 'CREATE OR REPLACE VIEW item_labels AS SELECT id FROM items;');
    const status = await runCliProcess(['status', '--dir', dir], { env });
    expect(status.stdout).toMatch(/\nR\s+b_views\s+pending \(changed\)/);
    expect(status.stdout).toMatch(/\nR\s+a_functions\s+applied/);
  });

  it('verify applies each one twice after the versioned ones and reports one that does not repeat', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      ...files,
      // An unnamed index gets a new name every time: applying it again changes the schema.
      'R_c_index.sql': 'CREATE INDEX ON items (name);',
      'R_d_table.sql': 'CREATE TABLE audit (id int);',
    });
    const report = await new MigrationRunner({ databaseUrl: db.url, dir }).verify();
    expect(report.results.map((r) => [r.version, r.outcome])).toEqual([
      ['001', 'ok'],
      ['R_a_functions', 'ok'],
      ['R_b_views', 'ok'],
      ['R_c_index', 'up-not-repeatable'],
      ['R_d_table', 'up-not-repeatable'],
    ]);
    expect(report.results[3]!.differences.join('\n')).toContain('items_name_idx1');
    expect(report.results[4]!.error).toContain('already exists');
    expect(report.ok).toBe(false);
  });
});
