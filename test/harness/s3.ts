import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
// s3rver is CommonJS without types: a real S3-protocol server (signatures checked, multipart, listing).
// @ts-expect-error no type declarations
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** Objects written so far, and how: `ObjectCreated:Post` (a multipart upload completed) or `ObjectCreated:Put`. */
  created: Array<{ event: string; key: string }>;
  /** What a CLI process needs to reach it: s3rver's built-in key pair, the endpoint, path-style addressing. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * Starts s3rver for one test file: on 127.0.0.1 (its default, `localhost`, may be ::1 only), a free port (its
 * default 4568 would collide between parallel files) and a private temporary folder, silent.
 */
export async function startTestS3(bucket = 'ogel-backups'): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'ogel-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const created: Array<{ event: string; key: string }> = [];
  // s3rver reports each write as an S3 event: a completed multipart upload is ObjectCreated:Post, a PUT :Put.
  server.on('event', (e: { Records: Array<{ eventName: string; s3: { object: { key: string } } }> }) => {
    for (const r of e.Records) created.push({ event: r.eventName, key: r.s3.object.key });
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    created,
    env: {
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      OGEL_MIGRATE_S3_ENDPOINT: endpoint,
      OGEL_MIGRATE_S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * One s3rver for the test file that calls this at its top level: the object returned is filled in before the
 * file's tests run, and the server stopped after them.
 */
export function useTestS3(): TestS3 {
  const s3 = {} as TestS3;
  beforeAll(async () => {
    Object.assign(s3, await startTestS3());
  });
  afterAll(async () => {
    await s3.stop?.();
  });
  return s3;
}
