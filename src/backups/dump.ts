import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { splitPassword } from '../db/url.js';
import { endOnAbort } from './pg-tools.js';
import type { BackupStore } from './store/store.js';

export interface DumpOptions {
  pgDump: string;
  /** Lists the dump's table of contents as it streams by, to count its objects; null to skip. */
  pgRestore: string | null;
  databaseUrl: string;
  /** An exported snapshot (pg_dump --snapshot): the dump shows exactly what the snapshot does. */
  snapshot: string;
  store: BackupStore;
  name: string;
  /** Ends pg_dump: the write fails and nothing is left in the store (the caller reports the interruption). */
  signal?: AbortSignal;
}

export interface DumpResult {
  sizeBytes: number;
  sha256: string;
  objects: number | null;
}

/**
 * Streams `pg_dump -Fc` into the store, hashing and counting the bytes on the way: the dump never touches the
 * local disk (for S3) nor sits whole in memory. The object is complete in the store only if pg_dump exited 0.
 */
export async function dumpToStore(options: DumpOptions): Promise<DumpResult> {
  const { url, env } = splitPassword(options.databaseUrl);
  const child = spawn(options.pgDump, ['--format=custom', `--snapshot=${options.snapshot}`, '--dbname', url], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const toc = options.pgRestore ? tocCounter(options.pgRestore) : null;
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  endOnAbort(child, options.signal);
  const body = new PassThrough();
  // The failure reaches the caller through `exited`; a store that has not started reading must not crash on it.
  body.on('error', () => {});
  child.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    sizeBytes += chunk.length;
    toc?.write(chunk);
    if (!body.write(chunk)) child.stdout.pause();
  });
  body.on('drain', () => child.stdout.resume());
  // A store that stopped reading (it failed, or pg_dump was ended) leaves pg_dump's output paused: read it
  // away, or the pipe never ends, 'close' never comes, and the backup waits forever under the lock.
  const discard = () => {
    child.stdout.removeAllListeners('data');
    child.stdout.resume();
  };
  child.on('exit', (code) => {
    if (code !== 0) discard();
  });
  // The stream ends only once pg_dump's exit status is known: a dump cut short must fail the upload.
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', (error) => {
      body.destroy(error);
      reject(error);
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        body.end();
        resolve();
      } else {
        const error = new Error(stderr.trim() || `pg_dump exited with ${code ?? signal}`);
        body.destroy(error);
        reject(error);
      }
    });
  });
  const stored = options.store.put(options.name, body);
  try {
    await Promise.all([exited, stored]);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGTERM');
    discard();
    await Promise.allSettled([exited, stored]);
    toc?.abandon();
    await options.store.remove(options.name).catch(() => {});
    throw error;
  }
  return { sizeBytes, sha256: hash.digest('hex'), objects: toc ? await toc.count() : null };
}

/**
 * `pg_restore --list` on the dump as it is written: the table of contents comes first in a custom dump, so
 * the count is known as soon as pg_restore has read it, and a pg_restore that stops reading costs nothing.
 */
function tocCounter(pgRestore: string) {
  const child = spawn(pgRestore, ['--list'], { stdio: ['pipe', 'pipe', 'ignore'] });
  let listing = '';
  let open = true;
  child.stdout.on('data', (d: Buffer) => (listing += d.toString()));
  child.stdin.on('error', () => (open = false));
  const done = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) =>
      resolve(code === 0 ? listing.split('\n').filter((line) => /^\d+;/.test(line)).length : null),
    );
  });
  return {
    write(chunk: Buffer) {
      if (open && child.stdin.writable) child.stdin.write(chunk);
    },
    count() {
      child.stdin.end();
      return done;
    },
    abandon() {
      child.kill();
    },
  };
}
