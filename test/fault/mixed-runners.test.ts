import { describe, expect, it } from 'vitest';
import { createTestDatabase, query } from '../harness/db.js';
import { runCliProcess } from '../harness/cli.js';
import { writeMigrations } from '../harness/migrations.js';
import { startTestServer } from '../harness/server.js';

describe('two HTTP replicas and two CLI runners on one database', () => {
  it('apply each migration exactly once', async () => {
    const db = await createTestDatabase();
    const files: Record<string, string> = {};
    for (let i = 1; i <= 6; i++) files[`00${i}_m${i}.sql`] = `CREATE TABLE m${i} (id int);\nSELECT pg_sleep(0.05);`;
    const dir = await writeMigrations(files);
    const replicas = await Promise.all([
      startTestServer({ databaseUrl: db.url, dir }),
      startTestServer({ databaseUrl: db.url, dir }),
    ]);
    try {
      const results = await Promise.all([
        ...replicas.flatMap((r) => [
          r.fetch('/migrate?wait=true', { method: 'POST', body: '{}' }),
          r.fetch('/migrate', { method: 'POST', body: '{}' }),
        ]),
        runCliProcess(['migrate', '--json', '--dir', dir, '--database-url', db.url]),
        runCliProcess(['migrate', '--json', '--dir', dir, '--database-url', db.url]),
      ]);
      const http = results.slice(0, 4) as Response[];
      expect(http.map((r) => r.status).every((s) => s === 200 || s === 409)).toBe(true);
      const cli = results.slice(4) as Array<{ code: number; stdout: string }>;
      expect(cli.map((c) => c.code)).toEqual([0, 0]);
      const applied = [
        ...(await Promise.all(http.filter((r) => r.status === 200).map((r) => r.json()))).flatMap((b) => b.applied),
        ...cli.flatMap((c) => JSON.parse(c.stdout).applied),
      ].map((a: { version: string }) => a.version);
      expect(applied.sort()).toEqual(['001', '002', '003', '004', '005', '006']);
      expect(
        await query(
          db.url,
          "SELECT version, count(*)::int AS n FROM platform.schema_migration_events WHERE event = 'apply' GROUP BY version HAVING count(*) > 1",
        ),
      ).toEqual([]);
      expect(await query(db.url, 'SELECT count(*)::int AS n FROM platform.schema_migrations')).toEqual([{ n: 6 }]);
    } finally {
      await Promise.all(replicas.map((r) => r.shutdown()));
    }
  });
});
