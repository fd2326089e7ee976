import type { SchemaDifference } from '../schema/diff.js';

/**
 * Words a snapshot difference for the check that found it. For a down check, "before" is the schema before the
 * up ran and "after" the schema after the down: an `added` object is one the down failed to remove.
 */
export function describeDifference(difference: SchemaDifference, check: 'down' | 'up' | 'drift'): string {
  const { identity, kind } = difference;
  if (check === 'down') {
    if (kind === 'added') return `${identity} still exists after the down`;
    if (kind === 'removed') return `${identity} is missing after the down (it existed before the up)`;
    return `${identity}: ${difference.attribute} is ${show(difference.after)} after the down, was ${show(difference.before)} before the up`;
  }
  if (check === 'up') {
    if (kind === 'added') return `${identity} appears only when the up runs a second time`;
    if (kind === 'removed') return `${identity} is missing when the up runs a second time`;
    return `${identity}: ${difference.attribute} is ${show(difference.after)} on the second run, ${show(difference.before)} on the first`;
  }
  if (kind === 'added') return `${identity} exists in the database but no migration creates it`;
  if (kind === 'removed') return `${identity} is created by the migrations but missing from the database`;
  return `${identity}: ${difference.attribute} is ${show(difference.after)} in the database, ${show(difference.before)} per the migrations`;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
