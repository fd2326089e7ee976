import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OgelError } from '../../errors.js';
import { LocalStore } from './local.js';
import { S3Store } from './s3.js';
import type { BackupStore, S3Settings } from './store.js';

/** S3's bucket naming rules (lower case, 3–63 characters, no leading or trailing dot or dash). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The store a location names: a path or `file://…` is a folder, `s3://bucket/prefix` a bucket. Any other
 * scheme is refused (USAGE), never taken for a folder named `gs:`.
 */
export function openStore(location: string, s3: S3Settings = {}): BackupStore {
  if (location.startsWith('s3://')) {
    const [bucket = '', ...rest] = location.slice('s3://'.length).split('/');
    if (!BUCKET.test(bucket))
      throw new OgelError('USAGE', `Backup store "${location}" has no valid bucket name (s3://bucket/prefix)`, {
        store: location,
      });
    return new S3Store(bucket, rest.filter(Boolean).join('/'), s3);
  }
  if (location.startsWith('file://')) return new LocalStore(localPath(location));
  if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !/^[a-z]:[\\/]/i.test(location))
    throw new OgelError(
      'USAGE',
      `Unknown backup store "${location}": use a folder, file:///path or s3://bucket/prefix`,
      { store: location },
    );
  return new LocalStore(resolve(location));
}

/** A file URL's folder; `file://host/x` (another machine's path) and malformed URLs say so instead of crashing. */
function localPath(location: string): string {
  try {
    return fileURLToPath(location);
  } catch (error) {
    throw new OgelError(
      'USAGE',
      `Backup store "${location}" is not a local folder's URL (${(error as Error).message}): use file:///path`,
      { store: location },
    );
  }
}
