import { OgelError } from '../errors.js';
import type { PreparedScript } from '../sql/prepare-script.js';

/**
 * Prepares every script of a run before any of them runs, each paired with its migration. When some do not parse, the error is the first one's,
 * naming the others too: a run that stopped at each in turn would take as many attempts as there are broken
 * files (`validate` lists them the same way). Other errors are thrown as they come.
 */
export function prepareEvery<M>(
  migrations: readonly M[],
  prepare: (migration: M) => PreparedScript,
): Array<{ migration: M; script: PreparedScript }> {
  const scripts: Array<{ migration: M; script: PreparedScript }> = [];
  const unparsable: OgelError[] = [];
  for (const migration of migrations) {
    try {
      scripts.push({ migration, script: prepare(migration) });
    } catch (error) {
      if (!(error instanceof OgelError && error.code === 'SQL_SYNTAX')) throw error;
      unparsable.push(error);
    }
  }
  const [first, ...others] = unparsable;
  if (!first) return scripts;
  if (others.length === 0) throw first;
  throw new OgelError(
    'SQL_SYNTAX',
    [first.message, ...others.map((e) => e.message), `${unparsable.length} files do not parse; nothing was run`].join(
      '\n',
    ),
    { ...first.details, others: others.map((e) => ({ message: e.message, ...e.details })) },
    { cause: first },
  );
}
