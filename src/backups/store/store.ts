import type { Readable } from 'node:stream';

/** Where S3-compatible object storage is and how to address it (MinIO and R2 need an endpoint, most path style). */
export interface S3Settings {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Multipart upload part size in MiB (S3's minimum is 5; default 16). Four parts are in flight at once. */
  partSizeMb?: number;
}

/** A local copy of one object, for tools that need a seekable file (parallel pg_restore). */
export interface LocalCopy {
  path: string;
  /** The bytes were downloaded (and passed to onBytes); false for a folder's own file, which nothing read. */
  downloaded: boolean;
  /** Removes the copy when it was made for the caller (a download); a local store's own file stays. */
  release(): Promise<void>;
}

/**
 * Where backups live, outside the database they protect: a flat namespace of objects (dumps and their
 * manifests). Every method streams; nothing holds a dump in memory. Failures are STORE_FAILED naming the store,
 * except a missing object, which is NOT_FOUND.
 */
export interface BackupStore {
  /** The folder or `s3://bucket/prefix`, for messages and manifests. */
  readonly location: string;
  /** Where one object is, as a user would name it: a path or an s3:// URL. */
  locate(name: string): string;
  /** Names of the objects in the store (not recursive). */
  list(): Promise<string[]>;
  get(name: string): Promise<Readable>;
  /**
   * Writes an object from a stream. It appears under `name` only once the stream ended without error: an
   * interrupted write leaves nothing a listing would show as complete.
   */
  put(name: string, body: Readable): Promise<void>;
  /** Size in bytes, or null when there is no such object. */
  size(name: string): Promise<number | null>;
  remove(name: string): Promise<void>;
  /** The object as a file: the store's own for a folder, a private download otherwise. */
  localCopy(name: string, onBytes?: (chunk: Buffer) => void): Promise<LocalCopy>;
  /**
   * Unfinished writes a killed process left behind (a folder's `.<name>.partial` files), for the catalog to
   * report and retention to remove. S3 keeps those as incomplete multipart uploads, which the bucket's
   * `AbortIncompleteMultipartUpload` lifecycle rule removes: that store has no method for them.
   */
  leftovers?(): Promise<StoreLeftover[]>;
  removeLeftover?(leftover: StoreLeftover): Promise<void>;
}

/** An unfinished write: what it was to become, where it is, how big, when it was last written. */
export interface StoreLeftover {
  name: string;
  path: string;
  sizeBytes: number;
  modifiedAt: Date;
}
