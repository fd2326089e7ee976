import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/core/checksum.js';
import { classifyFileName } from '../../src/core/file-names.js';
import type { AppliedRow, MigrationSet } from '../../src/core/migration.js';
import { planMigrate, planRollback } from '../../src/core/plan.js';
import { computeStatus } from '../../src/core/status.js';
import { assembleMigrations } from '../../src/core/validate-files.js';
import { compareVersions, normalizeVersion, sortByVersion } from '../../src/core/version.js';
import { isOgelError } from '../../src/errors.js';
import { ensureParser, parseStatements } from '../../src/sql/parser.js';

beforeAll(ensureParser);

const versionArb = fc
  .array(fc.integer({ min: 0, max: 99999 }), { minLength: 1, maxLength: 3 })
  .chain((groups) =>
    fc
      .tuple(
        ...groups.map((g) =>
          fc.integer({ min: 0, max: 3 }).map((pad) => String(g).padStart(String(g).length + pad, '0')),
        ),
      )
      .map((parts) => parts.join('.')),
  );
const nameArb = fc.stringMatching(/^[a-z0-9_]{1,12}$/);

describe('version ordering (properties)', () => {
  it('is a total order consistent with normalisation', () => {
    fc.assert(
      fc.property(versionArb, versionArb, versionArb, (a, b, c) => {
        // `|| 0`: equal versions give 0 one way and -0 the other, which toBe (Object.is) tells apart.
        expect(Math.sign(compareVersions(a, b)) || 0).toBe(-Math.sign(compareVersions(b, a)) || 0);
        expect(compareVersions(a, b) === 0).toBe(normalizeVersion(a) === normalizeVersion(b));
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('agrees with BigInt comparison for plain numbers of any length', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 30n }), (x, y) => {
        expect(Math.sign(compareVersions(x.toString(), y.toString()))).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });

  it('sorts stably in version order, whichever way a set of versions is sorted (plain, dotted, huge, padded)', () => {
    const plain = fc.oneof(
      fc.integer({ min: 0, max: 50 }).map(String),
      fc.integer({ min: 0, max: 99999 }).map((n) => String(n).padStart(5, '0')),
      fc.bigInt({ min: 10n ** 13n, max: 10n ** 20n }).map(String),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, versionArb), { maxLength: 60 }), fc.boolean(), (versions, onlyPlain) => {
        const items = versions
          .filter((v) => !onlyPlain || /^\d{1,6}$/.test(v))
          .map((version, position) => ({ version, position }));
        const expected = [...items].sort((a, b) => compareVersions(a.version, b.version) || a.position - b.position);
        expect(sortByVersion([...items])).toEqual(expected);
      }),
    );
  });
});

describe('file discovery (properties)', () => {
  it('every valid name round-trips, and any directory yields sorted unique migrations or named problems', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(versionArb, nameArb, fc.boolean()), { maxLength: 30 }), (entries) => {
        const files = entries.map(([v, n, down]) => ({
          file: `${v}_${n}${down ? '.down' : ''}.sql`,
          content: `-- ${v}`,
        }));
        for (const { file } of files)
          expect(classifyFileName(file, [])).toMatchObject({ type: file.endsWith('.down.sql') ? 'down' : 'up' });
        const unique = new Map(files.map((f) => [f.file, f]));
        const { migrations, problems } = assembleMigrations([...unique.values()], []);
        const versions = migrations.map((m) => normalizeVersion(m.version));
        expect(new Set(versions).size).toBe(versions.length);
        for (let i = 1; i < migrations.length; i++)
          expect(compareVersions(migrations[i - 1]!.version, migrations[i]!.version)).toBeLessThan(0);
        // Every file is accounted for: a migration's up/down, or a problem naming it.
        const used = new Set([...migrations.flatMap((m) => [m.file, m.downFile]), ...problems.map((p) => p.file)]);
        for (const file of unique.keys()) expect(used.has(file)).toBe(true);
      }),
    );
  });

  it('never throws on arbitrary file names', () => {
    fc.assert(fc.property(fc.string(), (name) => void classifyFileName(name)));
  });
});

describe('planner (properties)', () => {
  it('applies exactly the pending migrations, in order, and never an applied one', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 25 }),
        (numbers, appliedCount) => {
          const sorted = [...numbers].sort((a, b) => a - b);
          const files = sorted.map((n) => ({ file: `${n}_m${n}.sql`, content: `SELECT ${n};` }));
          const { migrations } = assembleMigrations(files, []);
          const set: MigrationSet = { dir: '/', migrations, repeatables: [], ignored: [] };
          const applied = migrations.slice(0, Math.min(appliedCount, migrations.length));
          const rows: AppliedRow[] = applied.map((m) => ({
            version: m.version,
            name: m.name,
            checksum: checksumOf(m.upSql),
            downChecksum: null,
            kind: 'migration',
            status: 'applied',
            appliedAt: null,
            appliedBy: 'x',
            executionMs: null,
            error: null,
          }));
          const report = computeStatus('t', set, rows);
          expect(report.counts.applied + report.counts.pending).toBe(migrations.length);
          const plan = planMigrate(report);
          expect(plan.map((m) => m.version)).toEqual(migrations.slice(applied.length).map((m) => m.version));
          try {
            planRollback(report, { steps: 1 });
          } catch (error) {
            expect(isOgelError(error, 'DOWN_MISSING')).toBe(applied.length > 0);
          }
        },
      ),
    );
  });
});

/** Statements whose text cannot contain a stray top-level semicolon unless the splitter is wrong. */
const pieceArb = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => `SELECT '${s.replace(/'/g, "''")}'`),
  fc
    .string({ maxLength: 20 })
    .filter((s) => !s.includes('$q$'))
    .map((s) => `SELECT $q$${s}$q$`),
  fc
    .string({ maxLength: 20 })
    .filter((s) => !s.includes('*/') && !s.includes('/*'))
    .map((s) => `SELECT 1 /* outer /* ${s} */ ; */`),
  fc
    .string({ maxLength: 20 })
    .filter((s) => !/[\n\r]/.test(s))
    .map((s) => `SELECT 2 -- ${s}\n`),
  fc.string({ maxLength: 20 }).map((s) => `SELECT E'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`),
  fc.string({ maxLength: 20 }).map((s) => `SELECT "${s.replace(/"/g, '""').replace(/\u0000/g, '')}" FROM t`),
  fc.constant(`DO $$ BEGIN RAISE NOTICE 'a;b'; END $$`),
  fc.constant(`CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $fn$ SELECT 1; $fn$`),
);

describe('statement splitting (fuzz)', () => {
  it('splits concatenated statements back into exactly the pieces, never crashing', () => {
    fc.assert(
      fc.property(fc.array(pieceArb, { minLength: 1, maxLength: 8 }), (pieces) => {
        const clean = pieces.map((p) => p.replace(/\u0000/g, ''));
        let parsed;
        try {
          parsed = parseStatements(clean.join(';\n'), 'fuzz.sql');
        } catch (error) {
          // Some generated identifiers are invalid (e.g. empty ""): a typed syntax error, never a crash.
          expect(isOgelError(error, 'SQL_SYNTAX')).toBe(true);
          return;
        }
        expect(parsed).toHaveLength(clean.length);
        parsed.forEach((statement, i) => expect(statement.text).toBe(clean[i]!.trim()));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a typed syntax error on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (sql) => {
        try {
          parseStatements(sql, 'random.sql');
        } catch (error) {
          expect(isOgelError(error, 'SQL_SYNTAX')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
