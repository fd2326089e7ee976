import { beforeAll, describe, expect, it } from 'vitest';
import { backupDue } from '../../src/app/guards.js';
import type { Target } from '../../src/app/target.js';
import type { Migration } from '../../src/core/migration.js';
import { ensureParser, parseStatements } from '../../src/sql/parser.js';

beforeAll(ensureParser);

const migration = (version: string, upSql: string): Migration =>
  ({ version, name: `m${version}`, file: `${version}_m.sql`, upSql, checksum: `sha256:${version}` }) as Migration;

const target = (backupPolicy: Target['backupPolicy'], isProtected = false): Target =>
  ({ runnerOptions: { databaseUrl: 'postgres://x/y' }, protected: isProtected, backupPolicy }) as unknown as Target;

const SETS = [
  [migration('001', 'CREATE TABLE a (id int);'), migration('002', 'INSERT INTO a VALUES (1);')],
  [migration('001', 'CREATE TABLE a (id int);'), migration('002', 'DROP TABLE a;')],
  [migration('001', 'ALTER TABLE a DROP COLUMN b;')],
  [migration('001', 'DELETE FROM a;'), migration('002', 'UPDATE a SET b = 1 WHERE id = 2;')],
  [],
];

describe('backupDue', () => {
  it('decides the same from the statements the run parsed already as from parsing the files itself', () => {
    for (const policy of ['always', 'destructive', 'never'] as const)
      for (const isProtected of [false, true])
        for (const migrations of SETS) {
          const parsed = migrations.map((m) => parseStatements(m.upSql, m.file));
          const t = target(policy, isProtected);
          expect(backupDue(t, migrations, 'up', parsed)).toEqual(backupDue(t, migrations, 'up'));
        }
  });

  it('backs up a destructive run under the default policy', () => {
    expect(backupDue(target('destructive'), SETS[1]!, 'up')).toEqual({
      reason: 'before migrate: destructive migration',
    });
    expect(backupDue(target('destructive'), SETS[0]!, 'up')).toBeNull();
  });
});
