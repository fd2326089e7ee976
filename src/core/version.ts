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
  return version
    .split('.')
    .map((group) => group.replace(/^0+(?=\d)/, ''))
    .join('.');
}

export function compareVersions(a: string, b: string): number {
  const left = normalizeVersion(a).split('.');
  const right = normalizeVersion(b).split('.');
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
