import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { flywayChecksum } from '../../src/import/flyway-checksum.js';
import { detectPeerTool, peerTool } from '../../src/import/tools.js';
import type { PeerFile } from '../../src/import/types.js';
import { outputFiles } from '../../src/import/write.js';

const files = (entries: Record<string, string>): PeerFile[] =>
  Object.entries(entries).map(([path, content]) => ({ path, bytes: Buffer.from(content, 'utf8') }));
const read = (tool: string, entries: Record<string, string>) => peerTool(tool).format.read(files(entries), {});

describe('peer layouts (pure)', () => {
  it('dbmate: each section keeps its exact bytes (CRLF included); an unknown option is an error', () => {
    const layout = read('dbmate', {
      'db/migrations/1_a.sql': '-- migrate:up\r\nCREATE TABLE a (id int);\r\n\r\n-- migrate:down\r\nDROP TABLE a;\r\n',
      'db/migrations/2_b.sql': '-- migrate:up env:FOO\nSELECT 1;\n',
    });
    expect(layout.migrations[0]!.up.toString()).toBe('CREATE TABLE a (id int);\r\n\r\n');
    expect(layout.migrations[0]!.down!.toString()).toBe('DROP TABLE a;\r\n');
    expect(layout.problems).toEqual([expect.objectContaining({ code: 'unknown-option', severity: 'error' })]);
  });

  it('Flyway: 1_1 is version 1.1, U is the down of its V, R__ a repeatable', () => {
    const layout = read('flyway', {
      'V1_1__Add_name.sql': 'A',
      'U1_1__Add_name.sql': 'a',
      'R__My_Views.sql': 'V',
    });
    expect(layout.migrations.find((m) => m.version === '1.1')).toMatchObject({ name: 'add_name' });
    expect(layout.migrations.find((m) => m.version === '1.1')!.down!.toString()).toBe('a');
    expect(layout.repeatables).toEqual([expect.objectContaining({ name: 'my_views', peerId: 'My Views' })]);
    expect(outputFiles(layout).map((f) => f.target)).toContain('R_my_views.sql');
  });

  it("Flyway's checksum ignores line breaks and a BOM, as its ChecksumCalculator does", () => {
    const lf = flywayChecksum(Buffer.from('CREATE TABLE a (id int);\nSELECT 1;\n'));
    expect(flywayChecksum(Buffer.from('CREATE TABLE a (id int);\r\nSELECT 1;\r\n'))).toBe(lf);
    expect(flywayChecksum(Buffer.from('\ufeffCREATE TABLE a (id int);\nSELECT 1;'))).toBe(lf);
    expect(flywayChecksum(Buffer.from('CREATE TABLE a (id int);\nSELECT 2;\n'))).not.toBe(lf);
    // java.util.zip.CRC32 is the IEEE CRC-32 Node has too (Node ≥ 20.15), stored as a signed int.
    const crc32 = (zlib as { crc32?: (data: Buffer) => number }).crc32;
    if (crc32) expect(lf).toBe(crc32(Buffer.from('CREATE TABLE a (id int);SELECT 1;')) | 0);
    expect(Number.isInteger(lf) && lf >= -(2 ** 31) && lf < 2 ** 31).toBe(true);
  });

  it('Sqitch: plan order, tags and pragmas skipped, a reworked change needs a human', () => {
    const layout = read('sqitch', {
      'sqitch.plan':
        '%project=p\na 2024-01-01T00:00:00Z me <m@x> # a\n@v1 2024-01-01T00:00:01Z me <m@x>\nb [a] 2024-01-02T00:00:00Z me <m@x>\na [a@v1] 2024-01-03T00:00:00Z me <m@x>\n',
      'deploy/a.sql': 'A',
      'deploy/b.sql': 'B',
    });
    expect(layout.project).toBe('p');
    expect(layout.migrations.map((m) => `${m.version}_${m.name}`)).toEqual(['001_a', '002_b']);
    expect(layout.problems).toEqual([expect.objectContaining({ code: 'reworked-change', file: 'sqitch.plan:5' })]);
  });

  it('detection: each layout is recognised, a hand-kept directory is not', () => {
    const detect = (entries: Record<string, string>) => detectPeerTool(files(entries))?.id ?? null;
    expect(detect({ '1_a.up.sql': '', '1_a.down.sql': '' })).toBe('golang-migrate');
    expect(detect({ '1_a.postgres.up.sql': '' })).toBe('pop');
    expect(detect({ '1_a.sql': '-- migrate:up\nSELECT 1;' })).toBe('dbmate');
    expect(detect({ '2024-01-01-000000_a/up.sql': '' })).toBe('diesel');
    expect(detect({ 'V1__a.sql': '' })).toBe('flyway');
    expect(detect({ 'sqitch.plan': '' })).toBe('sqitch');
    expect(detect({ 'migrations/committed/000001.sql': '--! Previous: -\n--! Hash: sha1:x\n\nSELECT 1;\n' })).toBe(
      'graphile-migrate',
    );
    expect(detect({ 'prisma/migrations/1_a/migration.sql': '' })).toBe('prisma');
    expect(detect({ 'supabase/migrations/1_a.sql': '' })).toBe('supabase');
    expect(detect({ '1_a.sql': '-- Up Migration\nSELECT 1;' })).toBe('node-pg-migrate');
    expect(detect({ '1_a.sql': '-- postgres-migrations disable-transaction\nSELECT 1;' })).toBe('postgres-migrations');
    expect(detect({ '001_a.sql': 'SELECT 1;', '001_a.down.sql': '', 'rollback-001.sql': '' })).toBeNull();
  });
});
