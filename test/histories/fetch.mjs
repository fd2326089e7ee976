#!/usr/bin/env node
// Lays out the public histories of manifest.json as migrations directories under .cache/histories/<id>/, from
// the npm registry (npm pack, the ordinary client): each tarball's sha512 must equal the manifest's integrity,
// and every file is copied byte for byte under its mapped name. Idempotent and safe to run concurrently (each
// history appears by one rename, complete or not at all). Run by .ci/run and by the histories test.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE = join(ROOT, '.cache', 'histories');
export const MANIFEST = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8'));

/** The folder of one history's migrations (after ensureHistory). */
export function migrationsDir(id) {
  return join(CACHE, id, 'migrations');
}

function ensureHistory(history) {
  const done = join(CACHE, history.id);
  if (existsSync(join(done, 'migrations'))) return;
  const work = join(CACHE, `.${history.id}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(work, { recursive: true });
  try {
    const spec = `${history.package}@${history.version}`;
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', spec, '--json', '--silent', '--pack-destination', work], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const tarball = join(work, packed.filename);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (integrity !== history.integrity)
      throw new Error(`${spec}: tarball integrity ${integrity} is not the manifest's ${history.integrity}`);
    execFileSync('tar', ['xzf', tarball, '-C', work]);
    const out = join(work, 'migrations');
    mkdirSync(out);
    for (const { from, to } of history.files) writeFileSync(join(out, to), readFileSync(join(work, 'package', from)));
    rmSync(join(work, 'package'), { recursive: true });
    rmSync(tarball);
    try {
      renameSync(work, done);
    } catch (error) {
      // Another process laid it out first: keep theirs.
      if (!existsSync(join(done, 'migrations'))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every history of the manifest, fetched when missing. */
export function ensureHistories() {
  mkdirSync(CACHE, { recursive: true });
  for (const history of MANIFEST.histories) ensureHistory(history);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureHistories();
  console.log(`histories: ${MANIFEST.histories.map((h) => h.id).join(', ')} in ${CACHE}`);
}
