import { canonicalJson, compareText, type SchemaObject, type SchemaSnapshot } from './snapshot.js';

/**
 * One difference between two snapshots. Messages are neutral (`added: …`, `removed: …`, `changed: …`): a caller
 * such as verify knows which side is "expected" and words its own report.
 */
export interface SchemaDifference {
  kind: 'added' | 'removed' | 'changed';
  objectType: string;
  identity: string;
  /** For `changed`: the one attribute that differs (one difference per attribute). */
  attribute?: string;
  /** For `changed` the attribute's values; for `removed`/`added` the object's attributes. */
  before?: unknown;
  after?: unknown;
  /**
   * `info` for what does not change behaviour: a column's position among the live columns (dropping and
   * re-adding a column moves it to the end). Everything else is `error`.
   */
  severity: 'error' | 'info';
  /** Identity of the owning object (a column's table), when there is one. */
  parent?: string;
  message: string;
}

const INFO_ATTRIBUTES: Record<string, ReadonlySet<string>> = { column: new Set(['position']) };

/** The attribute shown in parentheses when an object is added or removed: `removed: column t.c (text[])`. */
const SUMMARY_ATTRIBUTE: Record<string, string> = {
  column: 'type',
  constraint: 'definition',
  enum: 'labels',
  extension: 'version',
  domain: 'baseType',
};

/** Grouping order: containers first, then what they hold, so a report reads top-down. */
const TYPE_ORDER = [
  'extension',
  'schema',
  'enum',
  'domain',
  'composite type',
  'range type',
  'sequence',
  'table',
  'column',
  'constraint',
  'index',
  'trigger',
  'rule',
  'policy',
  'view',
  'materialized view',
  'function',
  'procedure',
  'aggregate',
  'event trigger',
  'default privileges',
  'grant',
  'revoke',
];

/**
 * Every difference between two snapshots: objects only in `before` are `removed`, only in `after` `added`, and
 * each attribute that differs on an object in both is one `changed`. Each object is compared on its own (a
 * removed table also lists its removed columns, indexes, …) so nothing is hidden. Sorted deterministically, with
 * an object's parts right after it.
 */
export function diffSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): SchemaDifference[] {
  const diffs: SchemaDifference[] = [];
  const identities = new Set([...Object.keys(before.objects), ...Object.keys(after.objects)]);
  for (const identity of identities) {
    const a = before.objects[identity];
    const b = after.objects[identity];
    if (a && b) diffs.push(...changedAttributes(identity, a, b));
    else if (a) diffs.push(presence('removed', identity, a));
    else if (b) diffs.push(presence('added', identity, b));
  }
  return diffs.sort(compareDifferences);
}

function presence(kind: 'added' | 'removed', identity: string, object: SchemaObject): SchemaDifference {
  const summaryKey = SUMMARY_ATTRIBUTE[object.objectType];
  const summary = summaryKey === undefined ? undefined : object.attributes[summaryKey];
  const suffix = summary === undefined || summary === null ? '' : ` (${show(summary)})`;
  return {
    kind,
    objectType: object.objectType,
    identity,
    ...(kind === 'removed' ? { before: object.attributes } : { after: object.attributes }),
    severity: 'error',
    ...(object.parent === undefined ? {} : { parent: object.parent }),
    message: `${kind}: ${identity}${suffix}`,
  };
}

function changedAttributes(identity: string, a: SchemaObject, b: SchemaObject): SchemaDifference[] {
  const keys = [...new Set([...Object.keys(a.attributes), ...Object.keys(b.attributes)])].sort(compareText);
  const out: SchemaDifference[] = [];
  for (const attribute of keys) {
    const x = a.attributes[attribute] ?? null;
    const y = b.attributes[attribute] ?? null;
    if (JSON.stringify(canonicalJson(x)) === JSON.stringify(canonicalJson(y))) continue;
    const detail = isLong(x) || isLong(y) ? `${attribute} differs` : `${attribute} ${show(x)} → ${show(y)}`;
    out.push({
      kind: 'changed',
      objectType: b.objectType,
      identity,
      attribute,
      before: x,
      after: y,
      severity: INFO_ATTRIBUTES[b.objectType]?.has(attribute) ? 'info' : 'error',
      ...(b.parent === undefined ? {} : { parent: b.parent }),
      message: `changed: ${identity}: ${detail}`,
    });
  }
  return out;
}

/** Long or multi-line values (bodies, view definitions) are shown as a line diff by formatDifferences instead. */
function isLong(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('\n') || value.length > 100);
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

function typeRank(objectType: string): number {
  const index = TYPE_ORDER.indexOf(objectType);
  return index < 0 ? TYPE_ORDER.length : index;
}

/** The object type an identity starts with (`materialized view platform.mv` → `materialized view`). */
function typeOfIdentity(identity: string): string {
  let best = '';
  for (const type of TYPE_ORDER) if (identity.startsWith(`${type} `) && type.length > best.length) best = type;
  return best;
}

function sortKey(d: SchemaDifference): Array<string | number> {
  const root = d.parent ?? d.identity;
  const rootType = d.parent === undefined ? d.objectType : typeOfIdentity(d.parent);
  return [
    typeRank(rootType),
    root,
    d.parent === undefined ? 0 : 1,
    typeRank(d.objectType),
    d.identity,
    d.attribute ?? '',
  ];
}

function compareDifferences(a: SchemaDifference, b: SchemaDifference): number {
  const x = sortKey(a);
  const y = sortKey(b);
  for (let i = 0; i < x.length; i++) {
    const p = x[i]!;
    const q = y[i]!;
    const c = typeof p === 'number' && typeof q === 'number' ? p - q : compareText(String(p), String(q));
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * One line per difference; a long or multi-line attribute change is followed by a line diff (`-` before,
 * `+` after), indented. The empty string when there are no differences.
 */
export function formatDifferences(diffs: readonly SchemaDifference[]): string {
  const lines: string[] = [];
  for (const d of diffs) {
    lines.push(d.message);
    if (d.kind === 'changed' && (isLong(d.before) || isLong(d.after))) {
      for (const line of lineDiff(textOf(d.before), textOf(d.after))) lines.push(`    ${line}`);
    }
  }
  return lines.join('\n');
}

function textOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split('\n') : [show(value)];
}

/** Minimal line diff (common prefix/suffix, then LCS); falls back to all-minus/all-plus for huge inputs. */
function lineDiff(a: string[], b: string[]): string[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) (endA--, endB--);
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const context = (line: string | undefined) => (line === undefined ? [] : [`  ${line}`]);
  const middle: string[] = [];
  if (x.length * y.length > 4_000_000) {
    middle.push(...x.map((l) => `- ${l}`), ...y.map((l) => `+ ${l}`));
  } else {
    // lcs[i][j] = length of the longest common subsequence of x[i..] and y[j..].
    const lcs = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) (middle.push(`  ${x[i++]}`), j++);
      else if (i < x.length && (j === y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) middle.push(`- ${x[i++]}`);
      else middle.push(`+ ${y[j++]}`);
    }
  }
  // One line of unchanged context either side is enough to see where a change sits.
  return [...context(a[start - 1]), ...middle, ...context(a[endA])];
}
