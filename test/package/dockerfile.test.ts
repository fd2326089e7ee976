import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/**
 * No Docker engine runs on the test machines, so the Dockerfile is checked for what broke it before: a COPY of
 * a path the repository does not have, a build stage missing what `npm ci` (prepare) needs, and an unprivileged
 * user that cannot write its backups.
 */
it('every COPY source exists as shipped, with the build arguments at their defaults', () => {
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+?) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  const missing = sources
    .map((source) => source.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? ''))
    .filter((source) => !existsSync(join(ROOT, source)));
  expect(missing).toEqual([]);
});

it('the build stage copies everything the prepare script reads', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.prepare).toContain('scripts/link-bin.mjs');
  const build = dockerfile.slice(0, dockerfile.indexOf('RUN npm ci'));
  const copied = [...build.matchAll(/^COPY (.+?) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
  for (const needed of ['scripts', 'src', 'dashboard', 'bin', 'vite.cli.config.mjs', 'tsconfig.build.json']) {
    expect(copied).toContain(needed);
  }
});

it('the unprivileged user owns a private backup folder the service is pointed at', () => {
  const user = /^USER (\S+)$/m.exec(dockerfile)?.[1];
  expect(user).toBe('node');
  const dir = /OGEL_MIGRATE_BACKUP_DIR=(\S+)/.exec(dockerfile)?.[1];
  expect(dir).toBeDefined();
  expect(dockerfile).toContain(`chown -R node:node ${dir!.replace(/\/backups$/, '')}`);
  expect(dockerfile).toContain(`chmod 0700 ${dir}`);
});
