import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/core/checksum.js';
import { applyPlaceholders, placeholderUses } from '../../src/core/placeholders.js';
import type { MigrationSet } from '../../src/core/migration.js';
import { OgelError } from '../../src/errors.js';

const template = 'CREATE TABLE ${schema}.items (id int);\n-- for ${tenant}\nGRANT SELECT ON ${schema}.items TO app;';

function set(files: Record<string, string>): MigrationSet {
  return {
    dir: '/m',
    ignored: [],
    repeatables: [],
    migrations: Object.entries(files).map(([file, sql], i) => ({
      version: String(i + 1).padStart(3, '0'),
      name: 'x',
      file,
      upSql: sql,
      checksum: checksumOf(sql),
    })),
  };
}

describe('placeholders', () => {
  it('finds each ${name} with its line and column', () => {
    expect(placeholderUses('001_x.sql', template)).toEqual([
      { file: '001_x.sql', line: 1, column: 14, name: 'schema' },
      { file: '001_x.sql', line: 2, column: 8, name: 'tenant' },
      { file: '001_x.sql', line: 3, column: 17, name: 'schema' },
    ]);
    expect(placeholderUses('x.sql', 'SELECT $1, $$body$$, ${not valid}, ${9x}')).toEqual([]);
  });

  it('replaces every use and keeps the checksum of the template', () => {
    const out = applyPlaceholders(set({ '001_x.sql': template }), { schema: 'tenant_a', tenant: 'a' });
    expect(out.migrations[0]!.upSql).toBe(
      'CREATE TABLE tenant_a.items (id int);\n-- for a\nGRANT SELECT ON tenant_a.items TO app;',
    );
    expect(out.migrations[0]!.checksum).toBe(checksumOf(template));
  });

  it('refuses unknown names, each with its file, line and column, before anything could run', () => {
    const files = set({ '001_x.sql': template, '002_y.sql': 'SELECT 1;\nSELECT ${region};' });
    let error: unknown;
    try {
      applyPlaceholders(files, { schema: 's' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OgelError);
    const e = error as OgelError;
    expect(e.code).toBe('UNKNOWN_PLACEHOLDER');
    expect(e.message).toContain('001_x.sql:2:8: ${tenant}');
    expect(e.message).toContain('002_y.sql:2:8: ${region}');
    expect(e.details).toMatchObject({
      known: ['schema'],
      placeholders: [
        { file: '001_x.sql', line: 2, column: 8, name: 'tenant' },
        { file: '002_y.sql', line: 2, column: 8, name: 'region' },
      ],
    });
  });
});
