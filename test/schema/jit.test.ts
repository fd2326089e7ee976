import type pg from 'pg';
import { expect, it } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { introspectMigrations } from '../../src/adopt/introspect.js';
import { readAppliedRows } from '../../src/db/tracking-store.js';
import { FileMigrationSource } from '../../src/source/file-source.js';
import { snapshotSchema } from '../../src/schema/snapshot.js';
import { StateReader } from '../../src/verify/state-reader.js';
import { createTestDatabase, query, withClient } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

interface LoggedPlan {
  query: string;
  jit: boolean;
}

/**
 * Runs `fn` with auto_explain reporting every plan the session executes to the client as a NOTICE: the plan's
 * JIT section shows the planner's decision to compile (from the plan's cost and `jit`), on every server alike,
 * whether or not this one has LLVM to act on it. Stock servers (Debian's, the `postgres` image) do.
 */
async function plansOf(client: pg.Client, fn: () => Promise<void>): Promise<LoggedPlan[]> {
  const plans: LoggedPlan[] = [];
  const onNotice = (notice: { message?: string }) => {
    const text = notice.message ?? '';
    if (!text.includes('plan:')) return;
    plans.push({ query: /Query Text: ([^\n]{0,80})/.exec(text)?.[1] ?? text.slice(0, 80), jit: /\nJIT:/.test(text) });
  };
  await client.query(
    "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_level = 'notice'; SET client_min_messages = 'notice'",
  );
  client.on('notice', onNotice);
  try {
    await fn();
  } finally {
    client.off('notice', onNotice);
  }
  return plans;
}

// Only a server with a JIT provider reports JIT in its plans (Debian's in the matrix; the embedded builds have
// no LLVM): elsewhere there is nothing to see, and the test says it skipped.
it("plans our own catalog reads without JIT (status, introspection, snapshots, verify's reads); jit stays on", async (context) => {
  const db = await createTestDatabase();
  const [available] = await query<{ ok: boolean }>(db.url, 'SELECT pg_jit_available() AS ok');
  if (!available!.ok) context.skip('this server has no JIT provider');
  const dir = await writeMigrations({
    '001_t.sql': 'CREATE TABLE t (id int PRIMARY KEY, name text);\nCREATE VIEW v AS SELECT name FROM t;',
    '001_t.down.sql': 'DROP VIEW v;\nDROP TABLE t;',
  });
  await new MigrationRunner({ databaseUrl: db.url, dir }).migrate();
  await withClient(db.url, async (client) => {
    // The detector itself: a plan that passes jit_above_cost (here 0) is reported with its JIT section.
    const control = await plansOf(client, async () => {
      await client.query('BEGIN; SET LOCAL jit_above_cost = 0; SELECT count(*) FROM pg_class; COMMIT');
    });
    expect(control.some((p) => p.jit)).toBe(true);

    const runner = new MigrationRunner({ databaseUrl: db.url, dir });
    const { migrations } = await new FileMigrationSource(dir).load();
    const ours = await plansOf(client, async () => {
      await readAppliedRows(client, runner.tracking);
      await introspectMigrations(client, migrations);
      await snapshotSchema(client);
      const reader = new StateReader(client, {});
      await reader.state(null);
      await reader.state({ relations: ['public.t', 'public.v'], nonRelations: false });
      await reader.state({ relations: ['public.t'], nonRelations: true });
      await reader.state({ relations: ['public.x'], nonRelations: false }, { expectAbsence: true });
    });
    expect(ours.length).toBeGreaterThan(6);
    expect(ours.filter((p) => p.jit)).toEqual([]);
    expect((await client.query<{ jit: string }>("SELECT current_setting('jit') AS jit")).rows).toEqual([{ jit: 'on' }]);
  });
});
