import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

/** Eleven migrations; the sixth builds an index concurrently, which waits for every snapshot older than it. */
function elevenWithConcurrentIndex(): Record<string, string> {
  const files: Record<string, string> = {
    '001_items.sql':
      'CREATE TABLE items (id int, tag text);\nINSERT INTO items SELECT g, g::text FROM generate_series(1, 2000) g;',
  };
  for (let i = 2; i <= 11; i++) {
    const v = String(i).padStart(3, '0');
    files[`${v}_step_${i}.sql`] =
      i === 6
        ? 'CREATE INDEX CONCURRENTLY items_tag_idx ON items (tag);'
        : `CREATE TABLE step_${i} (id int);\nSELECT pg_sleep(0.05);`;
  }
  return files;
}

describe('concurrent CLI runners and CREATE INDEX CONCURRENTLY', () => {
  it('four `migrate` processes at once: all exit 0, each migration applied exactly once', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations(elevenWithConcurrentIndex());
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runCliProcess(['migrate', '--json', '--dir', dir, '--database-url', db.url])),
    );
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    const applied = runs.flatMap((r) => (JSON.parse(r.stdout) as { applied: Array<{ version: string }> }).applied);
    expect(applied.map((a) => a.version).sort()).toEqual(
      Array.from({ length: 11 }, (_, i) => String(i + 1).padStart(3, '0')),
    );
    expect(
      await query(
        db.url,
        "SELECT version, count(*)::int AS n FROM platform.schema_migration_events WHERE event = 'apply' GROUP BY version HAVING count(*) <> 1",
      ),
    ).toEqual([]);
    expect(
      await query(db.url, "SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'items_tag_idx'::regclass"),
    ).toEqual([{ valid: true }]);
  });
});
