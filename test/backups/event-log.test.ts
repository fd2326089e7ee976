import { describe, expect, it } from 'vitest';
import { MigrationRunner } from '../../src/runner/runner.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

describe('the event log only grows', () => {
  it('UPDATE, DELETE and TRUNCATE are refused; the prune function removes old events only', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_a.sql': 'CREATE TABLE a (id int);',
      '002_b.sql': 'CREATE TABLE b (id int);',
    });
    await new MigrationRunner({ databaseUrl: db.url, dir }).migrate();
    const events = 'platform.schema_migration_events';
    for (const sql of [`UPDATE ${events} SET outcome = 'failure'`, `DELETE FROM ${events}`, `TRUNCATE ${events}`])
      await expect(query(db.url, sql), sql).rejects.toThrow(/append-only: (UPDATE|DELETE|TRUNCATE) refused/);
    expect(await query(db.url, `SELECT count(*)::int AS n FROM ${events}`)).toEqual([{ n: 2 }]);
    // Retention goes through the one function made for it, by age.
    expect(await query(db.url, `SELECT platform.schema_migration_events_prune(now() - interval '1 day') AS n`)).toEqual(
      [{ n: '0' }],
    );
    expect(await query(db.url, `SELECT platform.schema_migration_events_prune(now() + interval '1 day') AS n`)).toEqual(
      [{ n: '2' }],
    );
    // A DELETE that only pretends to come from it is still refused.
    await query(
      db.url,
      `INSERT INTO ${events} (run_id, event, outcome, actor, host) VALUES (gen_random_uuid(), 'repair', 'success', 'x', 'y')`,
    );
    await expect(
      query(
        db.url,
        `DO $$ BEGIN PERFORM 1; DELETE FROM ${events}; END $$ /* function platform.schema_migration_events_prune(timestamp with time zone) */`,
      ),
    ).rejects.toThrow(/append-only/);
  });
});
