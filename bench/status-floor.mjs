// The floor of `status` on this machine: the least a Node process can do and still give the same answer —
// connect, read the tracking rows in one query (the same server-built JSON array), read and hash every file,
// join them by version and print the same JSON. No config, no validation, no CLI, nothing else. ogel-migrate's
// `status` is measured against it (bench/status.mjs), so the machine's own speed (Node's start, one syscall per
// open/read/close) is told apart from the tool's. Usage: node bench/status-floor.mjs <dir> <database-url>
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { hash } from 'node:crypto';
import pg from 'pg';

const [dir, url] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
const rows = client
  .connect()
  .then(() =>
    client.query(
      `SELECT coalesce(json_agg(json_build_array(version, name, checksum, kind, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), applied_by, execution_ms)), '[]')::text AS rows FROM platform.schema_migrations`,
    ),
  )
  .then((result) => JSON.parse(result.rows[0].rows));
const buffer = Buffer.allocUnsafe(65536);
const files = [];
const names = readdirSync(dir);
for (let i = 0; i < names.length; i++) {
  const fd = openSync(`${dir}/${names[i]}`, 'r');
  const length = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const bytes = buffer.subarray(0, length);
  const [, version, name] = /^(\d+)_(.*)\.sql$/.exec(names[i]);
  files.push({ version, name, content: bytes.toString('utf8'), checksum: `sha256:${hash('sha256', bytes)}` });
  if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
}
files.sort((a, b) => a.version.length - b.version.length || (a.version < b.version ? -1 : 1));
const byVersion = new Map((await rows).map((row) => [row[0], row]));
await client.end();
const migrations = files.map((file) => {
  const row = byVersion.get(file.version);
  return {
    version: file.version,
    name: file.name,
    state: !row ? 'pending' : row[2] === file.checksum ? 'applied' : 'modified',
    checksum: file.checksum,
    appliedAt: row?.[4] ?? null,
    appliedBy: row?.[5] ?? null,
    executionMs: row?.[6] ?? null,
    kind: row?.[3] ?? null,
    reversible: false,
  };
});
process.stdout.write(`${JSON.stringify({ migrations }, null, 2)}\n`);
