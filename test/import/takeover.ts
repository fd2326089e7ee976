import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { MigrationRunner } from '../../src/index.js';
import { connectClient } from '../../src/db/connect.js';
import { snapshotSchema } from '../../src/schema/snapshot.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';

export interface TakeoverCase {
  tool: string;
  /** The peer project (its whole tree, as the tool lays it out). */
  fixture: string;
  /** Paths in the fixture the peer has not applied yet when ogel-migrate takes over. */
  later: string[];
  /** Runs the peer's own migrate over `src` (the real tool, or what its documentation says it does). */
  runPeer: (src: string, url: string) => Promise<void>;
  /** The peer's tracking tables (left out of schema comparisons; must be left untouched). */
  peerTables: string[];
  /** Schemas that are the peer's bookkeeping only. */
  peerSchemas?: string[];
  /** Our versions the first migrate after the takeover must apply, in order. */
  expectApplied: string[];
  extraArgs?: string[];
}

const made: string[] = [];
export async function cleanUp(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

async function snapshot(url: string, c: TakeoverCase) {
  const client = await connectClient(url);
  try {
    return await snapshotSchema(client, {
      excludeSchemas: ['platform', ...(c.peerSchemas ?? [])],
      excludeTables: c.peerTables,
    });
  } finally {
    await client.end();
  }
}

async function tableRows(url: string, tables: string[]): Promise<string> {
  const rows = [];
  for (const table of tables) rows.push(await query(url, `SELECT * FROM ${table} ORDER BY 1`));
  return JSON.stringify(rows);
}

/**
 * The switch as a user makes it: the peer migrates a database, then `import --database-url` takes over; the
 * first `migrate` runs only what the peer had not, the schema equals the one the peer itself builds from the
 * whole project, the peer's table is untouched, and a new migration applies.
 */
export async function takeOver(c: TakeoverCase): Promise<{ out: string; result: Record<string, unknown> }> {
  const src = join(await tempDir('ogel-peer-src-'), 'project');
  await cp(c.fixture, src, { recursive: true });
  for (const path of c.later) await rm(join(src, path), { recursive: true });
  const db = await createTestDatabase();
  await c.runPeer(src, db.url);
  await cp(c.fixture, src, { recursive: true });
  const before = await snapshot(db.url, c);
  const peerRows = await tableRows(db.url, c.peerTables);

  const out = join(await tempDir('ogel-imported-'), 'migrations');
  const run = await runCliProcess([
    'import',
    '--from',
    c.tool,
    src,
    '--out',
    out,
    '--database-url',
    db.url,
    '--json',
    ...(c.extraArgs ?? []),
  ]);
  expect(run.stderr).toBe('');
  const result = JSON.parse(run.stdout) as Record<string, unknown>;
  expect(run.code, JSON.stringify(result.problems ?? result)).toBe(0);
  // Importing changed nothing in the schema, and the peer's table is as the peer left it.
  expect(await snapshot(db.url, c)).toEqual(before);
  expect(await tableRows(db.url, c.peerTables)).toBe(peerRows);

  const runner = new MigrationRunner({ databaseUrl: db.url, dir: out });
  const status = await runner.status();
  expect(status.counts.pending).toBe(c.expectApplied.length);
  expect(status.migrations.filter((m) => m.kind === 'baseline').length).toBeGreaterThan(0);
  const events = await query<{ peer: string }>(
    db.url,
    "SELECT DISTINCT details->>'peer' AS peer FROM platform.schema_migration_events WHERE event = 'baseline'",
  );
  expect(events).toEqual([{ peer: c.tool }]);
  const applied = await runner.migrate();
  expect(applied.applied.map((a) => a.version)).toEqual(c.expectApplied);
  expect((await runner.migrate()).applied).toEqual([]);

  // The schema is the one the peer builds from the whole project on a database of its own.
  const reference = await createTestDatabase();
  await c.runPeer(src, reference.url);
  expect(await snapshot(db.url, c)).toEqual(await snapshot(reference.url, c));
  // And a database migrated from the imported directory alone gets that schema too.
  const fresh = await createTestDatabase();
  await new MigrationRunner({ databaseUrl: fresh.url, dir: out }).migrate();
  expect(await snapshot(fresh.url, c)).toEqual(await snapshot(reference.url, c));

  await writeFile(join(out, '99999999999999999_add_audit.sql'), 'CREATE TABLE audit_after_switch (id int);');
  expect((await runner.migrate()).applied.map((a) => a.version)).toEqual(['99999999999999999']);
  expect(await readdir(out)).toContain('IMPORT.md');
  return { out, result };
}
