import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DASHBOARD = fileURLToPath(new URL('../../dashboard/', import.meta.url));

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat().filter((f) => /\.tsx?$/.test(f));
}

/** Every module a file names — `import … from`, `export … from`, `import '…'`, `import('…')` — with its statement. */
function imports(text: string): Array<{ specifier: string; statement: string }> {
  return [...text.matchAll(/(?:^(?:import|export)\b[^;]*?\bfrom\s*|\bimport\s*\(?\s*)'([^']+)'/gms)].map((m) => ({
    specifier: m[1]!,
    statement: m[0].replace(/\s+/g, ' '),
  }));
}

describe('the dashboard reaches the server only through the HTTP contract', () => {
  it('imports nothing from src/ but the contract, and that as types only', async () => {
    const outside: string[] = [];
    for (const file of await sources(join(DASHBOARD, 'src'))) {
      for (const { specifier, statement } of imports(await readFile(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue; // a package: preact, uplot, highlight.js
        if (!relative(DASHBOARD, resolve(dirname(file), specifier)).startsWith('..')) continue;
        outside.push(`${relative(DASHBOARD, file)}: ${statement}`);
      }
    }
    expect(outside).toEqual(["src/api.ts: export type * from '../../src/contract/index.js'"]);
  });

  it('loads nothing from another origin', async () => {
    const html = await readFile(join(DASHBOARD, 'index.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const file of await sources(join(DASHBOARD, 'src'))) {
      expect(await readFile(file, 'utf8'), file).not.toMatch(/https?:\/\//);
    }
  });
});
