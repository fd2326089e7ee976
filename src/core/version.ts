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
  return compareKeys(versionKey(a), versionKey(b));
}

/** A version's sort key, made once: plain digits (nearly all) compare without being split into groups. */
interface VersionKey {
  key: string;
  groups: string[] | null;
}

function versionKey(version: string): VersionKey {
  const key = normalizeVersion(version);
  return { key, groups: key.includes('.') ? key.split('.') : null };
}

function compareKeys(a: VersionKey, b: VersionKey): number {
  if (a.groups || b.groups) return compareGroups(a.groups ?? [a.key], b.groups ?? [b.key]);
  if (a.key.length !== b.key.length) return a.key.length - b.key.length;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Sorts in place by version, normalising each version once (thousands of migrations: the comparator would
 * otherwise re-normalise both sides on every comparison).
 */
export function sortByVersion<T extends { version: string }>(items: T[]): T[] {
  if (sortSmallPlainVersions(items)) return items;
  const keyed = items.map((item) => ({ item, version: versionKey(item.version) }));
  keyed.sort((a, b) => compareKeys(a.version, b.version));
  for (let i = 0; i < keyed.length; i++) items[i] = keyed[i]!.item;
  return items;
}

/**
 * The usual case without a comparator: when every version is plain digits and small enough that its value and
 * its position fit one double exactly (value × 2^k + position), a native numeric sort of those doubles is the
 * stable sort by version. Returns false, having changed nothing, when a version does not fit.
 */
function sortSmallPlainVersions<T extends { version: string }>(items: T[]): boolean {
  const count = items.length;
  const scale = 2 ** Math.ceil(Math.log2(count + 1));
  const limit = Number.MAX_SAFE_INTEGER / scale;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const version = items[i]!.version;
    if (version.length === 0 || version.length > 15) return false;
    for (let c = 0; c < version.length; c++) {
      const code = version.charCodeAt(c);
      if (code < 48 || code > 57) return false;
    }
    const value = Number(version);
    if (value >= limit) return false;
    keys[i] = value * scale + i;
  }
  keys.sort();
  const original = items.slice();
  for (let i = 0; i < count; i++) items[i] = original[keys[i]! % scale]!;
  return true;
}

/** The highest of `versions` (null when there are none), each normalised once. */
export function maxVersion(versions: Iterable<string>): string | null {
  let best: string | null = null;
  let bestKey: VersionKey | null = null;
  for (const version of versions) {
    const key = versionKey(version);
    if (bestKey === null || compareKeys(key, bestKey) > 0) {
      best = version;
      bestKey = key;
    }
  }
  return best;
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
