// An S3-protocol server for the benchmarks: s3rver (the test harness's devDependency) on 127.0.0.1, a free
// port, a private folder.
import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export async function startTestS3(directory, bucket = 'ogel-bench') {
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    bucket,
    env: {
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      OGEL_MIGRATE_S3_ENDPOINT: endpoint,
      OGEL_MIGRATE_S3_FORCE_PATH_STYLE: 'true',
    },
    stop: () => server.close(),
  };
}
