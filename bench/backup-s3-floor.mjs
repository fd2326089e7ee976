// The floor of a backup into S3 on this machine: raw `pg_dump -Fc` streamed into the bucket by the least a Node
// process can do — the SDK's multipart upload with ogel-migrate's part size and parts in flight, nothing else
// (no snapshot or lock, no hashing, no manifest, no retention). `pg_dump` alone cannot write to S3; by hand
// it is `pg_dump -Fc | aws s3 cp - s3://…`. bench/backup.mjs measures `ogel-migrate backup` into S3 against
// both this and raw pg_dump into a file, so the S3 server's own cost (s3rver hashes and writes every part,
// then copies the parts into one object, on the same two cores) is told apart from the tool's.
// Usage: node bench/backup-s3-floor.mjs <database-url> <bucket> <key>   (S3 settings as ogel-migrate's env)
import { spawn } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const [url, bucket, key] = process.argv.slice(2);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const child = spawn('pg_dump', ['--format=custom', '--dbname', url], { stdio: ['ignore', 'pipe', 'inherit'] });
const client = new S3Client({
  region: process.env.AWS_REGION,
  endpoint: process.env.OGEL_MIGRATE_S3_ENDPOINT,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const exited = new Promise((resolve, reject) =>
  child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump exited with ${code}`)))),
);
const upload = new Upload({
  client,
  params: { Bucket: bucket, Key: key, Body: child.stdout },
  partSize: 16 * 1024 * 1024,
  queueSize: 4,
});
await Promise.all([exited, upload.done()]);
