import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { OgelError } from '../../errors.js';
import type { BackupStore, LocalCopy, S3Settings } from './store.js';

/** 16 MiB parts, four in flight: a dump streams through at most 64 MiB of memory, whatever its size. */
const PART_SIZE_MB = 16;
const QUEUE_SIZE = 4;

/**
 * S3-compatible object storage (AWS, MinIO, R2, …). Credentials come from the SDK's usual chain (AWS_* variables,
 * profiles, instance roles); the endpoint and addressing from S3Settings. Uploads are multipart streams.
 */
export class S3Store implements BackupStore {
  readonly location: string;
  private sdk: Promise<{ client: S3Client; s3: typeof import('@aws-sdk/client-s3') }> | undefined;

  constructor(
    readonly bucket: string,
    readonly prefix: string,
    private readonly settings: S3Settings = {},
  ) {
    this.location = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  }

  /**
   * The SDK is loaded on first use: a CLI run that never touches S3 does not pay for parsing it. Its warning
   * that future versions will need Node 22 is silenced unless the user asked for it: this package supports
   * Node 20.19 with the SDK versions its lockfile pins, and the warning would land in every command's output.
   */
  private connect() {
    this.sdk ??= (async () => {
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const s3 = await import('@aws-sdk/client-s3');
      const client = new s3.S3Client({
        region: this.settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
        ...(this.settings.forcePathStyle !== undefined ? { forcePathStyle: this.settings.forcePathStyle } : {}),
        // The dump's sha256 is computed on the way and checked on every restore: a second, per-part checksum
        // over every byte only costs CPU that pg_dump's compression needs. Where S3 requires one, it is sent.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      return { client, s3 };
    })();
    return this.sdk;
  }

  locate(name: string): string {
    return `${this.location}/${name}`;
  }

  private key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    const start = this.prefix ? `${this.prefix}/` : '';
    let token: string | undefined;
    do {
      const { client, s3 } = await this.connect();
      const page = await this.call('list', () =>
        client.send(
          new s3.ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: start,
            Delimiter: '/',
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      );
      for (const object of page.Contents ?? []) if (object.Key) names.push(object.Key.slice(start.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  async get(name: string): Promise<Readable> {
    const { client, s3 } = await this.connect();
    const object = await this.call(`read ${name} from`, () =>
      client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) })),
    );
    if (!(object.Body instanceof Readable))
      throw new OgelError('STORE_FAILED', `${this.locate(name)} came back without a body`, { store: this.location });
    return object.Body;
  }

  async put(name: string, body: Readable): Promise<void> {
    // An aborted multipart upload is discarded by the server: the object appears only when it completes.
    const { client } = await this.connect();
    const { Upload } = await import('@aws-sdk/lib-storage');
    const upload = new Upload({
      client,
      params: { Bucket: this.bucket, Key: this.key(name), Body: body },
      partSize: (this.settings.partSizeMb ?? PART_SIZE_MB) * 1024 * 1024,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    // The source failing (pg_dump died) must abort the upload, not complete it with what arrived so far.
    let sourceError: unknown;
    body.once('error', (error) => {
      sourceError = error;
      void upload.abort().catch(() => {});
    });
    try {
      await upload.done();
    } catch (error) {
      if (sourceError) throw sourceError;
      throw this.failed(`write ${name} to`, error);
    }
    if (sourceError) {
      await this.remove(name).catch(() => {});
      throw sourceError;
    }
  }

  async size(name: string): Promise<number | null> {
    const { client, s3 } = await this.connect();
    try {
      const head = await client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return null;
      throw this.failed(`read ${name} in`, error);
    }
  }

  async remove(name: string): Promise<void> {
    const { client, s3 } = await this.connect();
    await this.call(`remove ${name} from`, () =>
      client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(name) })),
    );
  }

  async localCopy(name: string, onBytes?: (chunk: Buffer) => void): Promise<LocalCopy> {
    const folder = await mkdtemp(join(tmpdir(), 'ogel-restore-'));
    const path = join(folder, name);
    const release = () => rm(folder, { recursive: true, force: true });
    try {
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          onBytes?.(chunk);
          done(null, chunk);
        },
      });
      await pipeline(await this.get(name), tap, createWriteStream(path, { mode: 0o600 }));
    } catch (error) {
      await release();
      if (error instanceof OgelError) throw error;
      throw this.failed(`download ${name} from`, error);
    }
    return { path, downloaded: true, release };
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 && (error as Error).name === 'NoSuchKey')
        throw new OgelError('NOT_FOUND', `Cannot ${what} ${this.location}: no such object`, { store: this.location });
      throw this.failed(what, error);
    }
  }

  private failed(what: string, error: unknown): OgelError {
    const err = error as Error & { $metadata?: { httpStatusCode?: number } };
    const status = err.$metadata?.httpStatusCode;
    const reason = err.message || err.name || 'no answer';
    return new OgelError(
      'STORE_FAILED',
      `Cannot ${what} ${this.location}: ${reason}${status ? ` (HTTP ${status})` : ''} (check AWS_* credentials and OGEL_MIGRATE_S3_ENDPOINT)`,
      { store: this.location, ...(status ? { httpStatus: status } : {}) },
      { cause: error },
    );
  }
}
