import { describe, expect, it } from 'vitest';
import { createDatabaseSql, databasePropsSql, grantsFor, settingSql } from '../../src/backups/database-props.js';
import { parseManifest } from '../../src/backups/manifest-schema.js';
import { backupsToPrune } from '../../src/backups/retention.js';
import { LocalStore } from '../../src/backups/store/local.js';
import { openStore } from '../../src/backups/store/open.js';
import { S3Store } from '../../src/backups/store/s3.js';

describe('backup store URLs', () => {
  it('a path or file:// is a folder, s3://bucket/prefix a bucket, anything else is refused', () => {
    expect(openStore('./backups')).toBeInstanceOf(LocalStore);
    expect(openStore('file:///srv/backups').location).toBe('/srv/backups');
    const s3 = openStore('s3://my-bucket/team/prod/', { endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
    expect(s3).toBeInstanceOf(S3Store);
    expect(s3.location).toBe('s3://my-bucket/team/prod');
    expect(s3.locate('x.dump')).toBe('s3://my-bucket/team/prod/x.dump');
    expect(openStore('s3://my-bucket').location).toBe('s3://my-bucket');
    for (const bad of ['gs://bucket/x', 's3:/bucket/x', 'S3:bucket', 'https://example.test/x', 'ftp://h/x'])
      expect(() => openStore(bad), bad).toThrow(/Unknown backup store/);
    expect(() => openStore('s3://No_Such/x')).toThrow(/no valid bucket name/);
    // Another machine's path is no folder here: a usage error, not an internal one.
    expect(() => openStore('file://backup-host/srv/x')).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('is not a local folder') }),
    );
  });
});

describe('database properties a restore gives the fresh database', () => {
  const props = {
    name: 'app',
    server: 'db:5432',
    owner: 'app_owner',
    encoding: 'UTF8',
    collate: 'en_US.UTF-8',
    ctype: 'en_US.UTF-8',
    localeProvider: 'c',
    iculocale: null,
    acl: ['=T/app_owner', 'app_owner=CTc/app_owner', 'reader=c/app_owner', '"odd ""role"""=c*/app_owner'],
    settings: [
      { role: null, setting: 'search_path="$user", public, app' },
      { role: 'reader', setting: 'statement_timeout=5s' },
    ],
    comment: 'the app',
  };
  it('creates it like the original and grants exactly what the original granted', () => {
    expect(createDatabaseSql('app__tmp', props)).toBe(
      `CREATE DATABASE "app__tmp" WITH TEMPLATE template0 OWNER "app_owner" ENCODING 'UTF8' LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8'`,
    );
    expect(grantsFor('x', 'reader=c/app_owner')).toEqual(['GRANT CONNECT ON DATABASE "x" TO "reader"']);
    expect(grantsFor('x', '=Tc/postgres')).toEqual(['GRANT TEMPORARY, CONNECT ON DATABASE "x" TO PUBLIC']);
    expect(grantsFor('x', '"odd ""role"""=c*T/p')).toEqual([
      'GRANT TEMPORARY ON DATABASE "x" TO "odd ""role"""',
      'GRANT CONNECT ON DATABASE "x" TO "odd ""role""" WITH GRANT OPTION',
    ]);
    expect(databasePropsSql('t', props)).toEqual([
      'REVOKE ALL ON DATABASE "t" FROM PUBLIC',
      'REVOKE ALL ON DATABASE "t" FROM "app_owner"',
      'GRANT TEMPORARY ON DATABASE "t" TO PUBLIC',
      'GRANT CREATE, TEMPORARY, CONNECT ON DATABASE "t" TO "app_owner"',
      'GRANT CONNECT ON DATABASE "t" TO "reader"',
      'GRANT CONNECT ON DATABASE "t" TO "odd ""role""" WITH GRANT OPTION',
      `ALTER DATABASE "t" SET "search_path" = '$user', 'public', 'app'`,
      `ALTER ROLE "reader" IN DATABASE "t" SET "statement_timeout" = '5s'`,
    ]);
    expect(databasePropsSql('t', { ...props, acl: null, settings: [] })).toEqual([]);
    expect(settingSql('t', { role: null, setting: 'work_mem=64MB' })).toBe(
      `ALTER DATABASE "t" SET "work_mem" = '64MB'`,
    );
  });
});

describe('manifests and retention', () => {
  it('a manifest that is not one of ours is refused with what is wrong', () => {
    expect(() => parseManifest('{nope', 's3://b/x.manifest.json')).toThrow(/s3:\/\/b\/x.manifest.json is not JSON/);
    expect(() => parseManifest('{"format":"ogel-migrate-backup/1"}', 'x')).toThrow(
      /x is not a backup manifest of this version: id/,
    );
  });
  it('keeps the newest N and drops what is older than D days', () => {
    const at = (days: number, id: string) => ({
      id,
      createdAt: new Date(Date.UTC(2026, 0, 30) - days * 86_400_000).toISOString(),
    });
    const records = [at(0, 'a'), at(1, 'b'), at(5, 'c'), at(20, 'd')];
    const now = new Date(Date.UTC(2026, 0, 30));
    expect(backupsToPrune(records, 2, undefined, now).map((r) => r.id)).toEqual(['c', 'd']);
    expect(backupsToPrune(records, undefined, 3, now).map((r) => r.id)).toEqual(['c', 'd']);
    expect(backupsToPrune(records, undefined, undefined, now)).toEqual([]);
    // The newest (the backup retention runs after) stays even when every rule would remove it.
    expect(backupsToPrune(records, undefined, 0, now).map((r) => r.id)).not.toContain(records[0]!.id);
    expect(backupsToPrune(records, 0, undefined, now)).toHaveLength(records.length - 1);
  });
});

describe('backup error codes', () => {
  it('map to exit and HTTP statuses of their own', async () => {
    const { OgelError, exitCodeFor, httpStatusFor } = await import('../../src/errors.js');
    expect(httpStatusFor(new OgelError('STORE_FAILED', 'x'))).toBe(502);
    expect(httpStatusFor(new OgelError('RESTORE_FAILED', 'x'))).toBe(422);
    expect(exitCodeFor(new OgelError('STORE_FAILED', 'x'))).toBe(1);
    expect(exitCodeFor(new OgelError('USAGE', 'Unknown backup store'))).toBe(2);
  });
});
