// Bundles the CLI (tsc's output in dist/) into dist/bundle: the process then loads a handful of modules instead
// of ~150, which on Node 20 saves ~40 ms on every invocation (see docs/benchmarks.md). Packages stay external
// except node-postgres and commander, which every command loads (another ~15 ms: dozens of CommonJS files
// resolved and compiled one by one); pg's optional pg-native and pg-cloudflare stay lazy requires.
// Commands are imported on demand (src/cli/commands/registry.ts), so the bundle is cut into chunks: one per
// command and the parts they share; a `migrate` compiles and evaluates only what it runs (no HTTP stack,
// verifier, importers, fleets or backup stores unless a backup is due).
// The chunks sit directly in dist/bundle so paths relative to a module (../dashboard/) still resolve into dist/.
import { defineConfig } from 'vite';

export default defineConfig({
  logLevel: 'warn',
  ssr: {
    noExternal: [
      'pg',
      'pg-pool',
      'pg-protocol',
      'pg-types',
      'pg-connection-string',
      'pg-int8',
      'pgpass',
      'postgres-array',
      'postgres-bytea',
      'postgres-date',
      'postgres-interval',
      'split2',
      'xtend',
      'commander',
    ],
    external: ['pg-native', 'pg-cloudflare'],
  },
  build: {
    ssr: 'dist/cli/bin.js',
    outDir: 'dist/bundle',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: { output: { entryFileNames: 'cli.js', chunkFileNames: '[name]-[hash].js' } },
  },
});
