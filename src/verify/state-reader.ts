import pg from 'pg';
import type { TrailingRows } from '../db/execute-script.js';
import { literal } from '../db/sql-literals.js';
import { snapshotSql, type SnapshotRow } from '../schema/queries/index.js';
import {
  buildSnapshot,
  PINNED_SETTINGS,
  READ_SETTINGS,
  snapshotParameters,
  type SchemaSnapshot,
  type SnapshotOptions,
} from '../schema/snapshot.js';
import { ABSENCE_SQL, FINGERPRINT_IDENTITY, FINGERPRINT_ROW_SQL, type VerificationScope } from './scope.js';

/** The schema as verify compares it: a (possibly scoped) snapshot plus, when scoped, a whole-catalog fingerprint. */
export interface SchemaState {
  snapshot: SchemaSnapshot;
  fingerprint: Record<string, number> | null;
}

interface Statement {
  name: string;
  text: string;
  parameters: string;
}
const statement = (name: string, text: string, parameters = '(text[], text[], text[])'): Statement => ({
  name: `ogel_verify_${name}`,
  text,
  parameters,
});
const withFingerprint = (sql: string) => `${sql}\nUNION ALL\n${FINGERPRINT_ROW_SQL}`;
const SCOPED = snapshotSql({ scopedOnly: true, relationsOnly: false });
const RELATIONS = snapshotSql({ scopedOnly: true, relationsOnly: true });
/** Whole-catalog states, and scoped ones (planned for a few relations), with or without the fingerprint row. */
const STATEMENTS = {
  whole: statement('whole', snapshotSql({ scopedOnly: false, relationsOnly: false })),
  scoped: statement('scoped', SCOPED),
  scopedFingerprint: statement('scoped_fingerprint', withFingerprint(SCOPED)),
  relations: statement('relations', RELATIONS),
  relationsFingerprint: statement('relations_fingerprint', withFingerprint(RELATIONS)),
  absence: statement('absence', ABSENCE_SQL, '(text[])'),
};

const INVALID_STATEMENT_NAME = '26000';

/**
 * Pinned for each read (SET LOCAL, in the read's own transaction): output settings (see PINNED_SETTINGS); JIT
 * off (READ_SETTINGS); generic plans, made once; and the catalogs' indexes, because a generic plan is made on
 * the first read, when the scratch catalog is nearly empty and scanning a catalog whole is cheap, which it is
 * not once hundreds of relations have been created and dropped. `enable_seqscan = off` works by adding a huge
 * cost to every sequential scan (some catalogs have no usable index), which alone passes every JIT threshold:
 * with JIT on this read took seconds instead of milliseconds, so the two settings only go together.
 */
const PIN = `SELECT ${Object.entries({
  ...PINNED_SETTINGS,
  ...READ_SETTINGS,
  plan_cache_mode: 'force_generic_plan',
  enable_seqscan: 'off',
})
  .map(([name, value]) => `set_config(${literal(name)}, ${literal(value)}, true)`)
  .join(', ')}`;

/** A text[] literal for an EXECUTE (the simple protocol has no parameters). */
function textArray(values: readonly string[] | null | undefined): string {
  return values ? `ARRAY[${values.map((v) => literal(v)).join(', ')}]::text[]` : 'NULL::text[]';
}

interface PlannedRead {
  statement: Statement;
  parameters: string[];
  absence: boolean;
}

/** Reads that travel after a script in its message; see StateReader.trailing. */
export interface TrailingRead {
  statements: string[];
  states(rows: TrailingRows): Promise<SchemaState[]>;
}

/** One state to read: over `scope` (null: the whole catalog). */
export interface StateRequest {
  scope: VerificationScope | null;
  /** Include the whole-catalog fingerprint (scoped reads; default true). */
  fingerprint?: boolean;
  /**
   * The caller expects none of the scope's relations to exist (before a migration that creates what it names):
   * one cheap existence check then stands for the snapshot, which would be empty by construction; the full read
   * follows only if something does exist.
   */
  expectAbsence?: boolean;
}

/**
 * Reads verify's schema states on the scratch connection, between scripts. The read pins the settings that
 * change how definitions print (SET LOCAL in a read-only transaction of its own, so the migrations' session is
 * left as it was), and the snapshot queries are prepared once (SQL PREPARE, on first use) with a generic plan:
 * a read is one short message, without parsing or planning. A session reset after a script that may change
 * the session (DEALLOCATE ALL) drops the prepared statements; they are prepared again when that happens.
 */
export class StateReader {
  private readonly prepared = new Set<string>();

  constructor(
    private readonly client: pg.ClientBase,
    private readonly options: SnapshotOptions,
  ) {}

  /** The schema now, as `request` asks. */
  async state(scope: VerificationScope | null, request: Omit<StateRequest, 'scope'> = {}): Promise<SchemaState> {
    return (await this.states([{ scope, ...request }]))[0]!;
  }

  /** Several reads of the same moment in one message (one round trip), in order. */
  async states(requests: readonly StateRequest[]): Promise<SchemaState[]> {
    const planned = requests.map((request) => this.plan(request));
    let rows: TrailingRows;
    try {
      rows = await this.read(planned);
    } catch (error) {
      if ((error as { code?: string }).code !== INVALID_STATEMENT_NAME) throw error;
      await this.relearnPrepared();
      rows = await this.read(planned);
    }
    return this.toStates(requests, planned, rows);
  }

  /**
   * The same reads as statements to send after a script's COMMIT in its message (no round trip of their own),
   * and how to turn their rows into states. `afterReset`: the message resets the session before the script,
   * which deallocates the prepared statements. If the trailing statements fail, call relearnPrepared() and
   * read with states(): the script has committed and nothing changed since.
   */
  trailing(requests: readonly StateRequest[], afterReset: boolean): TrailingRead {
    if (afterReset) this.prepared.clear();
    const planned = requests.map((request) => this.plan(request));
    const { statements, executeAt } = this.readStatements(planned);
    return {
      statements,
      states: (rows) => {
        this.markPrepared(planned);
        return this.toStates(requests, planned, rows.slice(executeAt, executeAt + planned.length));
      },
    };
  }

  /** After a failure: which statements this session still has (a reset or the migration may have dropped them). */
  async relearnPrepared(): Promise<void> {
    const { rows } = await this.client.query<{ name: string }>('SELECT name FROM pg_prepared_statements');
    this.prepared.clear();
    for (const { name } of rows) this.prepared.add(name);
  }

  private async toStates(
    requests: readonly StateRequest[],
    planned: readonly PlannedRead[],
    rowsPerRead: TrailingRows,
  ): Promise<SchemaState[]> {
    const states: SchemaState[] = [];
    for (const [i, request] of requests.entries()) {
      const rows = rowsPerRead[i] ?? [];
      if (!planned[i]!.absence) {
        states.push(fromRows(rows as unknown as SnapshotRow[]));
      } else if (rows[0]?.absent === true) {
        states.push({ snapshot: { objects: {} }, fingerprint: rows[0].fingerprint as Record<string, number> });
      } else {
        // Something exists: the full read, of the same moment (nothing has run since).
        states.push(await this.state(request.scope, { fingerprint: request.fingerprint ?? true }));
      }
    }
    return states;
  }

  /** The rows of each planned read, in order. */
  private async read(planned: readonly PlannedRead[]): Promise<TrailingRows> {
    const { statements, executeAt } = this.readStatements(planned);
    try {
      const results = (await this.client.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
      this.markPrepared(planned);
      return results.slice(executeAt, executeAt + planned.length).map((result) => result.rows);
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  /** A read-only transaction that pins the settings, prepares what is not prepared yet and executes each read. */
  private readStatements(planned: readonly PlannedRead[]): { statements: string[]; executeAt: number } {
    const prepare = planned
      .filter(
        ({ statement }, i) =>
          !this.prepared.has(statement.name) && planned.findIndex((p) => p.statement === statement) === i,
      )
      .map(({ statement }) => `PREPARE ${statement.name}${statement.parameters} AS ${statement.text}`);
    const execute = planned.map(({ statement, parameters }) => `EXECUTE ${statement.name}(${parameters.join(', ')})`);
    const head = ['BEGIN READ ONLY', PIN, ...prepare];
    return { statements: [...head, ...execute, 'COMMIT'], executeAt: head.length };
  }

  private markPrepared(planned: readonly PlannedRead[]): void {
    for (const { statement } of planned) this.prepared.add(statement.name);
  }

  private plan({ scope, fingerprint = true, expectAbsence = false }: StateRequest): PlannedRead {
    // The absence check has no snapshot of what is not a relation, so it only stands in for relation scopes.
    if (scope && expectAbsence && fingerprint && !scope.nonRelations) {
      return { statement: STATEMENTS.absence, parameters: [textArray(scope.relations)], absence: true };
    }
    const statement = !scope
      ? STATEMENTS.whole
      : scope.nonRelations
        ? fingerprint
          ? STATEMENTS.scopedFingerprint
          : STATEMENTS.scoped
        : fingerprint
          ? STATEMENTS.relationsFingerprint
          : STATEMENTS.relations;
    const [schemas, tables, relations] = snapshotParameters(this.options, scope ? scope.relations : null);
    return { statement, parameters: [textArray(schemas), textArray(tables), textArray(relations)], absence: false };
  }
}

function fromRows(rows: SnapshotRow[]): SchemaState {
  const index = rows.findIndex(
    (row) => row.identity === FINGERPRINT_IDENTITY && row.object_type === FINGERPRINT_IDENTITY,
  );
  const counts = index >= 0 ? (rows.splice(index, 1)[0]!.attrs as Record<string, number>) : null;
  return { snapshot: buildSnapshot(rows), fingerprint: counts };
}
