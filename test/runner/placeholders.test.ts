import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/core/checksum.js';
import { MigrationRunner, isOgelError } from '../../src/index.js';
import { createTestDatabase, query } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';

const UP = 'CREATE SCHEMA ${schema};\nCREATE TABLE ${schema}.items (id int);';

describe('placeholders in the runner', () => {
  it('runs the substituted SQL, records the template checksum and the values in the events', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_items.sql': UP, '001_items.down.sql': 'DROP SCHEMA ${schema} CASCADE;' });
    const runner = new MigrationRunner({ databaseUrl: db.url, dir, placeholders: { schema: 'tenant_a' } });
    await runner.migrate();
    expect(await query(db.url, "SELECT to_regclass('tenant_a.items')::text AS t")).toEqual([{ t: 'tenant_a.items' }]);
    const [row] = await query<{ checksum: string }>(db.url, 'SELECT checksum FROM platform.schema_migrations');
    expect(row!.checksum).toBe(checksumOf(UP));
    expect((await runner.status()).counts).toMatchObject({ applied: 1, modified: 0 });
    const [event] = await query<{ details: Record<string, unknown> }>(
      db.url,
      "SELECT details FROM platform.schema_migration_events WHERE event = 'apply'",
    );
    expect(event!.details).toMatchObject({ placeholders: { schema: 'tenant_a' } });
    await runner.rollback();
    expect(await query(db.url, "SELECT to_regnamespace('tenant_a')::text AS s")).toEqual([{ s: null }]);
  });

  it('an unknown placeholder fails before anything runs; without values the SQL runs as written', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_ok.sql': 'CREATE TABLE ok (id int);',
      '002_items.sql': "CREATE TABLE items (note text DEFAULT '${kept}');\nCREATE TABLE ${schema}.x (id int);",
    });
    const error = await new MigrationRunner({ databaseUrl: db.url, dir, placeholders: {} }).migrate().catch((e) => e);
    expect(isOgelError(error, 'UNKNOWN_PLACEHOLDER')).toBe(true);
    expect(error.message).toContain('002_items.sql:1:40: ${kept}');
    expect(error.message).toContain('002_items.sql:2:14: ${schema}');
    expect(await query(db.url, "SELECT to_regclass('platform.schema_migrations')::text AS t")).toEqual([{ t: null }]);
    const plain = await writeMigrations({ '001_items.sql': "CREATE TABLE items (note text DEFAULT '${kept}');" });
    await new MigrationRunner({ databaseUrl: db.url, dir: plain }).migrate();
    expect(
      await query(db.url, "SELECT column_default AS d FROM information_schema.columns WHERE table_name = 'items'"),
    ).toEqual([{ d: "'${kept}'::text" }]);
  });
});
