import type { SchemaDifference } from '../schema/diff.js';

/**
 * Words a snapshot difference for the check that found it. For a down check, "before" is the schema before the
 * up ran and "after" the schema after the down: an `added` object is one the down failed to remove.
 */
export function describeDifference(difference: SchemaDifference, check: 'down' | 'up' | 'drift'): string {
  const { identity, kind } = difference;
  const shown = showPair(difference.before, difference.after);
  if (check === 'down') {
    if (kind === 'added') return `${identity} still exists after the down`;
    if (kind === 'removed') return `${identity} is missing after the down (it existed before the up)`;
    if (difference.attribute === 'position')
      return `${identity} is column ${shown.after} of its table after the down, was column ${shown.before} before the up: the column order changed (SELECT * and INSERT without a column list see it)`;
    return `${identity}: ${difference.attribute} is ${shown.after} after the down, was ${shown.before} before the up`;
  }
  if (check === 'up') {
    if (kind === 'added') return `${identity} appears only when the up runs a second time`;
    if (kind === 'removed') return `${identity} is missing when the up runs a second time`;
    if (difference.attribute === 'position')
      return `${identity} is column ${shown.after} of its table on the second run, column ${shown.before} on the first`;
    return `${identity}: ${difference.attribute} is ${shown.after} on the second run, ${shown.before} on the first`;
  }
  if (kind === 'added') return `${identity} exists in the database but no migration creates it`;
  if (kind === 'removed') return `${identity} is created by the migrations but missing from the database`;
  return `${identity}: ${difference.attribute} is ${shown.after} in the database, ${shown.before} per the migrations`;
}

const SHOWN = 160;
/** Characters shown before the first difference, so the excerpt says where in the definition it is. */
const LEAD = 40;

const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

/**
 * Both values for a message. Long ones (a view's query, a function's body) are cut to the same window around
 * their first difference, so the message shows what differs rather than two identical beginnings.
 */
function showPair(before: unknown, after: unknown): { before: string; after: string } {
  const a = textOf(before);
  const b = textOf(after);
  if (a.length <= SHOWN && b.length <= SHOWN) return { before: a, after: b };
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  const start = Math.max(0, first - LEAD);
  const excerpt = (text: string) =>
    `${start > 0 ? '...' : ''}${text.slice(start, start + SHOWN - 3)}${start + SHOWN - 3 < text.length ? '...' : ''}`;
  return { before: excerpt(a), after: excerpt(b) };
}
