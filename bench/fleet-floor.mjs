// The floor of a fleet operation on this machine: the least a Node process can do for the same work, with the
// same number of connections at once. `migrate`: connect to each database and run each file in its own
// transaction (no lock, no tracking, no parsing); `status`: connect and read the tracking rows with the same one
// query. bench/fleet.mjs measures `ogel-migrate fleet` against it, so the machine's limits (a backend started
// per connection, the server's work per migration on 2 cores) are told apart from the tool's.
// Usage: node bench/fleet-floor.mjs migrate|status <targets-file> <dir> <concurrency>
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

const [operation, targetsFile, dir, concurrency] = process.argv.slice(2);
const urls = readFileSync(targetsFile, 'utf8').split('\n').filter(Boolean);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => readFileSync(`${dir}/${f}`, 'utf8'));
let next = 0;
let rows = 0;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (next < urls.length) {
      const client = new pg.Client({ connectionString: urls[next++] });
      await client.connect();
      if (operation === 'migrate') {
        for (const sql of files) await client.query(`BEGIN;\n${sql};\nCOMMIT`);
      } else {
        const result = await client.query(
          `SELECT coalesce(json_agg(json_build_array(version, name, checksum, status)), '[]')::text AS rows FROM platform.schema_migrations`,
        );
        rows += JSON.parse(result.rows[0].rows).length;
      }
      await client.end();
    }
  }),
);
console.log(JSON.stringify({ targets: urls.length, rows }));
