import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';

let major: number | undefined;

/** The major version of the system's pg_dump (Debian 12's postgresql-client: 15). */
export function pgDumpMajor(): number {
  major ??= Number(/\(PostgreSQL\) (\d+)/.exec(execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }))?.[1]);
  return major;
}

/**
 * Whether the system's pg_dump can dump this project's server. pg_dump refuses servers newer than itself and
 * Debian 12 has no pg_dump 17, so on the PG 17 server the tests that need a real dump are skipped (saying so)
 * and one test checks that a backup is refused there with both versions named.
 */
export function pgDumpCoversServer(): boolean {
  return pgDumpMajor() >= inject('pgServerMajor');
}
