import { createHash } from 'node:crypto';
import type { ImportLayout, ImportProblem, PeerFile } from './types.js';

/** A peer's name (`Create Users`, `create-users`, `add.index`) as ours: `[a-z0-9_]+`. */
export function ourName(peerName: string): string {
  return (
    peerName
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_+|_+$/g, '') || 'migration'
  );
}

/** A peer's version as ours: digit groups separated by dots (Flyway's `1_1` is `1.1`). */
export function ourVersion(peerVersion: string): string {
  return peerVersion.replace(/[_-]/g, '.').replace(/\.+/g, '.');
}

export function emptyLayout(): ImportLayout {
  return { migrations: [], repeatables: [], checks: [], problems: [], skipped: [] };
}

export function text(file: PeerFile): string {
  return file.bytes.toString('utf8');
}

/** The file name after the last `/`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function hashOf(algorithm: 'sha1' | 'sha256', bytes: Buffer | string): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

/**
 * The files under the first of `dirs` that holds any (a project root or the migrations folder itself may be
 * given), with paths relative to it.
 */
export function underFirst(files: readonly PeerFile[], dirs: readonly string[]): PeerFile[] {
  for (const dir of dirs) {
    const prefix = dir === '' ? '' : `${dir}/`;
    const inside = files.filter((f) => f.path.startsWith(prefix));
    if (inside.length > 0) return inside.map((f) => ({ path: f.path.slice(prefix.length), bytes: f.bytes }));
  }
  return [];
}

/** Two peer files that map to the same version: both are reported, neither is guessed between. */
export function duplicateVersions(layout: ImportLayout): void {
  const seen = new Map<string, string>();
  for (const m of layout.migrations) {
    const key = m.version.replace(/(^|\.)0+(?=\d)/g, '$1');
    const first = seen.get(key);
    if (first === undefined) seen.set(key, m.sources[0]!);
    else
      layout.problems.push(
        problem(m.sources[0]!, 'error', 'duplicate-version', `has version ${m.version}, as ${first} does`),
      );
  }
}

export function problem(
  file: string,
  severity: ImportProblem['severity'],
  code: string,
  message: string,
  decideWith?: string,
): ImportProblem {
  return { file, severity, code, message, ...(decideWith ? { decideWith } : {}) };
}

/** Files with a name that is not one of the tool's, reported as skipped rather than dropped silently. */
export function skip(layout: ImportLayout, file: string, reason: string): void {
  layout.skipped.push({ file, reason });
}
