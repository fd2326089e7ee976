import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/core/checksum.js';
import { FileMigrationSource } from '../../src/source/file-source.js';
import { OgelError } from '../../src/errors.js';
import { writeMigrations } from '../harness/migrations.js';

describe('reading a migrations directory', () => {
  it('follows links to files, leaves out what is not a file and lists other files as ignored', async () => {
    const dir = await writeMigrations({ '001_a.sql': 'CREATE TABLE a (id int);', 'README.md': '# notes' });
    const elsewhere = await writeMigrations({ 'shared.sql': 'CREATE TABLE b (id int);' });
    await symlink(join(elsewhere, 'shared.sql'), join(dir, '002_b.sql'));
    await mkdir(join(dir, 'archive'));
    await mkdir(join(dir, '003_folder.sql'));
    execFileSync('mkfifo', [join(dir, '004_pipe.sql')]);
    await symlink('loop.txt', join(dir, 'loop.txt'));
    const set = await new FileMigrationSource(dir).load();
    expect(set.migrations.map((m) => [m.file, m.upSql, m.checksum])).toEqual([
      ['001_a.sql', 'CREATE TABLE a (id int);', checksumOf('CREATE TABLE a (id int);')],
      ['002_b.sql', 'CREATE TABLE b (id int);', checksumOf('CREATE TABLE b (id int);')],
    ]);
    expect(set.ignored).toEqual([{ file: 'README.md', reason: 'not a .sql file' }]);
  });

  it('reads files larger than its read buffer whole', async () => {
    const big = `-- ${'x'.repeat(200 * 1024)}\nCREATE TABLE big (id int);`;
    const set = await new FileMigrationSource(await writeMigrations({ '001_big.sql': big })).load();
    expect(set.migrations[0]!.upSql).toBe(big);
    expect(set.migrations[0]!.checksum).toBe(checksumOf(big));
  });

  it('names a file it cannot open among the problems instead of failing on it', async () => {
    const dir = await writeMigrations({ '001_a.sql': 'SELECT 1;', '2_bad name.sql': 'SELECT 2;' });
    await symlink(join(dir, 'gone.sql.orig'), join(dir, '003_dangling.sql'));
    await symlink('004_loop.sql', join(dir, '004_loop.sql'));
    const error = await new FileMigrationSource(dir).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OgelError);
    expect((error as OgelError).code).toBe('INVALID_MIGRATION_FILES');
    expect((error as OgelError).details).toMatchObject({
      problems: [
        { file: '003_dangling.sql', problem: 'cannot be read (ENOENT)' },
        { file: '004_loop.sql', problem: 'cannot be read (ELOOP)' },
        { file: '2_bad name.sql', problem: expect.stringContaining('lower-case letters, digits and "_"') },
      ],
    });
    expect((error as OgelError).message).toContain('003_dangling.sql: cannot be read (ENOENT)');
  });

  it('refuses a directory that does not exist, naming it', async () => {
    const dir = join(await writeMigrations({}), 'missing');
    await expect(new FileMigrationSource(dir).load()).rejects.toThrow(`Migrations directory ${dir} does not exist`);
  });
});
