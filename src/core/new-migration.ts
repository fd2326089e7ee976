import { compareVersions } from './version.js';

/**
 * The version for a new migration, following the directory's existing style: 14-digit timestamps stay
 * timestamps; numbered sets get the next number at the same zero-padded width (001 → 002).
 */
export function nextVersion(existing: readonly string[], now: Date, style?: 'timestamp' | 'sequential'): string {
  const sorted = [...existing].sort(compareVersions);
  const last = sorted.at(-1);
  const useTimestamp = style === 'timestamp' || (style === undefined && last !== undefined && /^\d{14}$/.test(last));
  if (useTimestamp) {
    const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
    return last && compareVersions(stamp, last) <= 0 ? String(BigInt(last.split('.')[0]!) + 1n) : stamp;
  }
  if (!last) return '001';
  const head = last.split('.')[0]!;
  return String(BigInt(head) + 1n).padStart(head.length, '0');
}

const NAME = /^[a-z0-9_]+$/;

/** Turns "Add billing plans" into `add_billing_plans`; refuses names that would not match the file format. */
export function migrationSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (!NAME.test(slug))
    throw new Error(`migration name "${name}" must contain only letters, digits, spaces, "-" and "_"`);
  return slug;
}
