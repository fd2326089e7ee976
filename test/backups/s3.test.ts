import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../src/backups/service.js';
import { BackupService } from '../../src/backups/service.js';
import { openStore } from '../../src/backups/store/open.js';
import { MigrationRunner } from '../../src/runner/runner.js';
import { runCliProcess } from '../harness/cli.js';
import { createTestDatabase, query, withAdmin } from '../harness/db.js';
import { writeMigrations } from '../harness/migrations.js';
import { pgDumpCoversServer } from '../harness/pg-tools.js';
import { useTestS3 } from '../harness/s3.js';

/** Against s3rver, a real S3-protocol server (signatures, multipart, listing), never a mock client. */
const dumping = it.skipIf(!pgDumpCoversServer());

const s3 = useTestS3();

describe('backups in S3-compatible object storage', () => {
  dumping('backup → DROP DATABASE → list and restore from the bucket, through the CLI', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_items.sql':
        "CREATE TABLE items (id int PRIMARY KEY, note text);\nINSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 2000) g;",
    });
    const store = `s3://${s3.bucket}/team/${db.name}`;
    const cli = (args: string[]) =>
      runCliProcess([...args, '--dir', dir, '--backup-dir', store], { env: { DATABASE_URL: db.url, ...s3.env } });
    expect((await cli(['migrate'])).code).toBe(0);
    const taken = await cli(['backup', '--json']);
    expect(taken.stderr).toBe('');
    expect(taken.code).toBe(0);
    const backup = JSON.parse(taken.stdout) as BackupRecord;
    expect(backup.path).toBe(`${store}/${backup.id}.dump`);
    expect(s3.created.map((c) => c.key)).toEqual(
      expect.arrayContaining([`team/${db.name}/${backup.id}.dump`, `team/${db.name}/${backup.id}.manifest.json`]),
    );

    await withAdmin((c) => c.query(`DROP DATABASE ${db.name} WITH (FORCE)`));
    const { backups: listed, store: listedStore } = JSON.parse((await cli(['backups', '--json'])).stdout) as {
      backups: BackupRecord[];
      store: string;
    };
    expect(listedStore).toBe(store);
    expect(listed.map((b) => b.id)).toEqual([backup.id]);
    // The database is gone: nothing is replaced, so nothing to confirm. Progress goes to stderr, nothing else.
    const restored = await cli(['restore', backup.id]);
    expect(restored.stderr).not.toMatch(/error|warning|note:/i);
    expect(restored.code).toBe(0);
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 2000 }]);
  });

  dumping(
    'a dump larger than a part goes up as a multipart upload and restores with --jobs from a download',
    async () => {
      const db = await createTestDatabase();
      // ~9 MB of hex digits, which compress to about half: two 5 MiB parts.
      const dir = await writeMigrations({
        '001_blob.sql':
          "CREATE TABLE blob (id int PRIMARY KEY, body text);\nINSERT INTO blob SELECT g, string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 4000) g, generate_series(1, 128) i GROUP BY g;",
      });
      const runner = new MigrationRunner({ databaseUrl: db.url, dir });
      await runner.migrate();
      const store = openStore(`s3://${s3.bucket}/multipart-${randomBytes(3).toString('hex')}`, {
        endpoint: s3.endpoint,
        forcePathStyle: true,
        partSizeMb: 5,
      });
      process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
      const service = new BackupService({ runner, databaseUrl: db.url, backupDir: store.location, store });
      const backup = await service.create();
      expect(backup.sizeBytes).toBeGreaterThan(7 * 1024 * 1024);
      const key = `${store.location.slice(`s3://${s3.bucket}/`.length)}/${backup.id}.dump`;
      expect(s3.created).toContainEqual({ event: 'ObjectCreated:Post', key });
      const before = await query(
        db.url,
        "SELECT count(*)::int AS n, md5(string_agg(body, '' ORDER BY id)) AS sum FROM blob",
      );
      await query(db.url, 'DELETE FROM blob');
      const result = await service.restore(backup.id, { confirmed: true, jobs: 2 });
      expect(result).toMatchObject({ replaced: true, version: '001' });
      expect(
        await query(db.url, "SELECT count(*)::int AS n, md5(string_agg(body, '' ORDER BY id)) AS sum FROM blob"),
      ).toEqual(before);
    },
  );

  dumping('a corrupt or truncated object in the bucket is refused before anything is dropped', async () => {
    const { S3Client, GetObjectCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const db = await createTestDatabase();
    const dir = await writeMigrations({
      '001_items.sql': 'CREATE TABLE items (id int);\nINSERT INTO items VALUES (1), (2), (3);',
    });
    const prefix = `corrupt-${randomBytes(3).toString('hex')}`;
    const cli = (args: string[]) =>
      runCliProcess([...args, '--dir', dir, '--backup-dir', `s3://${s3.bucket}/${prefix}`], {
        env: { DATABASE_URL: db.url, ...s3.env },
      });
    expect((await cli(['migrate'])).code).toBe(0);
    const backup = JSON.parse((await cli(['backup', '--json'])).stdout) as BackupRecord;
    await query(db.url, 'INSERT INTO items VALUES (4)');
    const client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const Key = `${prefix}/${backup.id}.dump`;
    const original = Buffer.from(
      await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }))).Body!.transformToByteArray(),
    );
    const flipped = Buffer.from(original);
    flipped[flipped.length >> 1] = flipped[flipped.length >> 1]! ^ 0xff;
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: flipped }));
    const corrupt = await cli(['restore', backup.id, '--yes']);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain(`s3://${s3.bucket}/${Key} is corrupted (checksum mismatch`);
    await client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key, Body: original.subarray(0, original.length - 10) }),
    );
    const truncated = await cli(['restore', backup.id, '--yes']);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toContain(
      `is truncated: ${original.length - 10} bytes in the store, ${original.length} in its manifest`,
    );
    // Neither touched the database: the row written after the backup is still there.
    expect(await query(db.url, 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 4 }]);
    client.destroy();
  });

  it('an unreachable store is STORE_FAILED naming it, and nothing is taken for a folder', async () => {
    const db = await createTestDatabase();
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);' });
    const result = await runCliProcess(['backups', '--dir', dir, '--backup-dir', `s3://${s3.bucket}/x`], {
      env: { DATABASE_URL: db.url, ...s3.env, OGEL_MIGRATE_S3_ENDPOINT: 'http://127.0.0.1:9' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[STORE_FAILED]');
    expect(result.stderr).toContain(`s3://${s3.bucket}/x`);
    expect(result.stderr).not.toContain('S3RVER');
  });
});
