import { beforeAll, describe, expect, it } from 'vitest';
import { ensureParser, parseStatements } from '../../src/sql/parser.js';
import { lockImpact, locksFor, type RelationLock } from '../../src/sql/locks.js';

beforeAll(ensureParser);

const locks = (sql: string): RelationLock[] => locksFor(parseStatements(sql, 'x.sql')[0]!);
const on = (relation: string, mode: RelationLock['mode']): RelationLock => ({ mode, relation });

describe('locksFor', () => {
  it.each<[string, RelationLock[]]>([
    ['ALTER TABLE platform.projects ADD COLUMN tags text[]', [on('platform.projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects DROP COLUMN tags', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects ALTER COLUMN a TYPE bigint', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects ALTER COLUMN a SET NOT NULL', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects ENABLE ROW LEVEL SECURITY', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects ADD CONSTRAINT c CHECK (a > 0) NOT VALID', [on('projects', 'ACCESS EXCLUSIVE')]],
    [
      'ALTER TABLE platform.projects ADD CONSTRAINT fk FOREIGN KEY (org) REFERENCES platform.orgs (id) NOT VALID',
      [on('platform.projects', 'SHARE ROW EXCLUSIVE'), on('platform.orgs', 'SHARE ROW EXCLUSIVE')],
    ],
    [
      'ALTER TABLE projects ADD COLUMN org bigint REFERENCES orgs (id)',
      [on('projects', 'ACCESS EXCLUSIVE'), on('orgs', 'SHARE ROW EXCLUSIVE')],
    ],
    ['ALTER TABLE projects VALIDATE CONSTRAINT fk', [on('projects', 'SHARE UPDATE EXCLUSIVE')]],
    [
      'ALTER TABLE projects SET (fillfactor = 70, autovacuum_enabled = false)',
      [on('projects', 'SHARE UPDATE EXCLUSIVE')],
    ],
    ['ALTER TABLE projects SET (user_catalog_table = true)', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects DISABLE TRIGGER t', [on('projects', 'SHARE ROW EXCLUSIVE')]],
    // The strongest subcommand wins for the table.
    ['ALTER TABLE projects VALIDATE CONSTRAINT c, ADD COLUMN b int', [on('projects', 'ACCESS EXCLUSIVE')]],
    [
      'ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES IN (2026)',
      [on('events', 'SHARE UPDATE EXCLUSIVE'), on('events_2026', 'ACCESS EXCLUSIVE')],
    ],
    [
      'ALTER TABLE events DETACH PARTITION events_2026 CONCURRENTLY',
      [on('events', 'SHARE UPDATE EXCLUSIVE'), on('events_2026', 'SHARE UPDATE EXCLUSIVE')],
    ],
    ['CREATE INDEX i ON platform.projects (a)', [on('platform.projects', 'SHARE')]],
    ['CREATE UNIQUE INDEX CONCURRENTLY i ON projects (a)', [on('projects', 'SHARE UPDATE EXCLUSIVE')]],
    ['DROP INDEX i', [on('i', 'ACCESS EXCLUSIVE')]],
    ['DROP INDEX CONCURRENTLY s.i', [on('s.i', 'SHARE UPDATE EXCLUSIVE')]],
    [
      'DROP TABLE platform.projects, audit',
      [on('platform.projects', 'ACCESS EXCLUSIVE'), on('audit', 'ACCESS EXCLUSIVE')],
    ],
    ['DROP TRIGGER tr ON platform.projects', [on('platform.projects', 'ACCESS EXCLUSIVE')]],
    ['DROP POLICY p ON projects', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['TRUNCATE a, platform.b', [on('a', 'ACCESS EXCLUSIVE'), on('platform.b', 'ACCESS EXCLUSIVE')]],
    ['INSERT INTO a (x) VALUES (1)', [on('a', 'ROW EXCLUSIVE')]],
    [
      'INSERT INTO a SELECT x FROM b JOIN platform.c ON true',
      [on('b', 'ACCESS SHARE'), on('platform.c', 'ACCESS SHARE'), on('a', 'ROW EXCLUSIVE')],
    ],
    ['UPDATE platform.projects SET a = 1 WHERE id = 2', [on('platform.projects', 'ROW EXCLUSIVE')]],
    ['DELETE FROM a USING b WHERE a.id = b.id', [on('b', 'ACCESS SHARE'), on('a', 'ROW EXCLUSIVE')]],
    [
      'WITH gone AS (SELECT id FROM b) DELETE FROM a WHERE id IN (SELECT id FROM gone)',
      [on('b', 'ACCESS SHARE'), on('a', 'ROW EXCLUSIVE')],
    ],
    ['SELECT * FROM a', [on('a', 'ACCESS SHARE')]],
    ['SELECT * FROM a FOR UPDATE', [on('a', 'ROW SHARE')]],
    [
      'CREATE TRIGGER tr BEFORE INSERT ON platform.projects FOR EACH ROW EXECUTE FUNCTION f()',
      [on('platform.projects', 'SHARE ROW EXCLUSIVE')],
    ],
    ['CREATE POLICY p ON platform.projects USING (true)', [on('platform.projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects RENAME TO projects_old', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER TABLE projects RENAME COLUMN a TO b', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ALTER INDEX i RENAME TO j', [on('i', 'SHARE UPDATE EXCLUSIVE')]],
    ['REINDEX TABLE projects', [on('projects', 'SHARE')]],
    ['REINDEX TABLE CONCURRENTLY projects', [on('projects', 'SHARE UPDATE EXCLUSIVE')]],
    ['VACUUM projects', [on('projects', 'SHARE UPDATE EXCLUSIVE')]],
    ['VACUUM FULL projects', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['ANALYZE projects', [on('projects', 'SHARE UPDATE EXCLUSIVE')]],
    ['CLUSTER projects USING i', [on('projects', 'ACCESS EXCLUSIVE')]],
    ['REFRESH MATERIALIZED VIEW mv', [on('mv', 'ACCESS EXCLUSIVE')]],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY mv', [on('mv', 'EXCLUSIVE')]],
    ['LOCK TABLE a IN SHARE MODE', [on('a', 'SHARE')]],
    ['LOCK TABLE a', [on('a', 'ACCESS EXCLUSIVE')]],
    ['LOCK TABLE a IN ROW EXCLUSIVE MODE', [on('a', 'ROW EXCLUSIVE')]],
    ['COMMENT ON TABLE platform.projects IS $$x$$', [on('platform.projects', 'SHARE UPDATE EXCLUSIVE')]],
    // A new table is invisible to others: only the tables it points at are locked.
    ['CREATE TABLE t (a int)', []],
    ['CREATE TABLE t (org bigint REFERENCES platform.orgs (id))', [on('platform.orgs', 'SHARE ROW EXCLUSIVE')]],
    ['CREATE TABLE events_2027 PARTITION OF events FOR VALUES IN (2027)', [on('events', 'ACCESS EXCLUSIVE')]],
    ['CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', []],
    ['GRANT SELECT ON projects TO reader', []],
  ])('%s', (sql, expected) => {
    expect(locks(sql)).toEqual(expected);
  });
});

describe('lockImpact', () => {
  it('says what each mode blocks', () => {
    expect(lockImpact('ACCESS EXCLUSIVE')).toBe('blocks reads and writes');
    expect(lockImpact('SHARE')).toBe('blocks writes');
    expect(lockImpact('SHARE ROW EXCLUSIVE')).toBe('blocks writes');
    expect(lockImpact('SHARE UPDATE EXCLUSIVE')).toMatch(/schema changes/);
    expect(lockImpact('ROW EXCLUSIVE')).toBe('blocks index builds and schema changes');
    expect(lockImpact('ACCESS SHARE')).toBe('blocks only schema changes');
  });
});
