/**
 * Migration versions are digit groups (`001`, `20251122153000`, or `006.1` for a version slotted between two
 * others) compared numerically group by group, so `010` sorts after `9` and `006.1` between `006` and `007`.
 */
export const VERSION_PATTERN = /^\d+(?:\.\d+)*$/;

export function isValidVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

/** The canonical form used to decide that two spellings (`001`, `1`) are the same version. */
export function normalizeVersion(version: string): string {
  // Fast path for the common case (plain digits): called for every file and row on every status.
  if (!version.includes('.')) {
    let i = 0;
    while (i < version.length - 1 && version.charCodeAt(i) === 48) i++;
    return i === 0 ? version : version.slice(i);
  }
  return version
    .split('.')
    .map((group) => group.replace(/^0+(?=\d)/, ''))
    .join('.');
}

export function compareVersions(a: string, b: string): number {
  return compareGroups(normalizeVersion(a).split('.'), normalizeVersion(b).split('.'));
}

/**
 * Sorts in place by version, normalising each version once (thousands of migrations: the comparator would
 * otherwise re-normalise both sides on every comparison).
 */
export function sortByVersion<T extends { version: string }>(items: T[]): T[] {
  const keys = new Map(items.map((item) => [item, normalizeVersion(item.version).split('.')]));
  return items.sort((a, b) => compareGroups(keys.get(a)!, keys.get(b)!));
}

function compareGroups(left: string[], right: string[]): number {
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
