import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every module `entry` loads at run time (type-only imports load nothing), and the packages they import. */
function runtimeGraph(entry: string): { modules: Set<string>; packages: Set<string> } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    const text = readFileSync(file, 'utf8');
    // Static `import … from` and `export … from`, not `import type` / `export type`; dynamic import() is lazy.
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = match[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(join(SRC, entry));
  return { modules, packages };
}

test('the library entry loads the runner and the app layer, not the HTTP stack', () => {
  const { modules, packages } = runtimeGraph('index.ts');
  const http = [...modules]
    .map((m) => relative(SRC, m))
    .filter((m) => m.startsWith('http/') || m.startsWith('contract/'));
  expect(http).toEqual([]);
  for (const name of ['hono', '@hono/node-server', 'pino', 'prom-client', 'zod']) expect(packages).not.toContain(name);
});

test('the server entry (ogel-migrate/server) is where the HTTP stack lives', () => {
  const { packages } = runtimeGraph('server.ts');
  expect(packages).toContain('hono');
});
