// `npm run bench [-- name…]`: every benchmark (or the named ones) on one private PostgreSQL, results as tables
// and in bench/results/*.json.
import { stopServer } from './lib.mjs';

const BENCHES = {
  apply: () => import('./apply.mjs'),
  status: () => import('./status.mjs'),
  'live-traffic': () => import('./live-traffic.mjs'),
  http: () => import('./http.mjs'),
  verify: () => import('./verify.mjs'),
  jit: () => import('./jit.mjs'),
  backup: () => import('./backup.mjs'),
  fleet: () => import('./fleet.mjs'),
};

const wanted = process.argv.slice(2);
for (const name of wanted)
  if (!BENCHES[name]) throw new Error(`unknown benchmark "${name}" (known: ${Object.keys(BENCHES).join(', ')})`);
try {
  for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
    const started = performance.now();
    await (await BENCHES[name]()).default();
    console.log(`(${name}: ${Math.round((performance.now() - started) / 1000)} s)`);
  }
} finally {
  await stopServer();
}
