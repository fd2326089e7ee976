import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { STARTER_CONFIG, starterConfig } from '../../src/config/starter.js';

describe('starter config', () => {
  it('the commented .mjs and .ts forms hold exactly the JSON form (the comments cannot drift from the values)', async () => {
    for (const format of ['mjs', 'ts', 'json'] as const) {
      const dir = await mkdtemp(join(tmpdir(), 'ogel-starter-'));
      await writeFile(join(dir, `ogel-migrate.config.${format}`), starterConfig(format));
      const loaded = await loadConfig(dir);
      expect(loaded.config).toEqual(STARTER_CONFIG);
      // Unset: a database's or role's own statement_timeout (managed Postgres sets one) still applies.
      expect(loaded.config.statementTimeoutMs).toBeUndefined();
    }
  });
});
