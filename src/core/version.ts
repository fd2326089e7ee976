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
  return compareGroups(versionGroups(a), versionGroups(b));
}

/**
 * Sorts in place by version, normalising each version once (thousands of migrations: the comparator would
 * otherwise re-normalise both sides on every comparison). Plain-digit versions, nearly all of them, compare as
 * (length, text) of their normalised form, without splitting into groups.
 */
export function sortByVersion<T extends { version: string }>(items: T[]): T[] {
  const keyed = items.map((item) => {
    const key = normalizeVersion(item.version);
    return { item, key, groups: key.includes('.') ? key.split('.') : null };
  });
  keyed.sort((a, b) => {
    if (a.groups || b.groups) return compareGroups(a.groups ?? [a.key], b.groups ?? [b.key]);
    return a.key.length !== b.key.length ? a.key.length - b.key.length : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  for (let i = 0; i < keyed.length; i++) items[i] = keyed[i]!.item;
  return items;
}

/** The highest of `versions` (null when there are none), each normalised once. */
export function maxVersion(versions: Iterable<string>): string | null {
  let best: string | null = null;
  let bestGroups: string[] = [];
  for (const version of versions) {
    const groups = versionGroups(version);
    if (best === null || compareGroups(groups, bestGroups) > 0) {
      best = version;
      bestGroups = groups;
    }
  }
  return best;
}

function versionGroups(version: string): string[] {
  return normalizeVersion(version).split('.');
}

function compareGroups(left: string[], right: string[]): number {
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i];
    const y = right[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
