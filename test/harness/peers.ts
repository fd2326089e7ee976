import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/peers: the real migration tools the import tests run, pinned by its package.json and lockfile. */
export const PEERS = fileURLToPath(new URL('../peers/', import.meta.url));

/**
 * Installs test/peers on demand (as `npm run bench` does bench/peers), so `npm ci` of the project never
 * depends on the tools' platform binaries; .ci/run installs it up front.
 */
export function ensurePeers(): void {
  if (
    existsSync(`${PEERS}node_modules/.bin/dbmate`) &&
    existsSync(`${PEERS}node_modules/postgres-migrations`) &&
    existsSync(`${PEERS}node_modules/.bin/graphile-migrate`)
  )
    return;
  // Not `npm ci`: dbmate's binaries for other platforms are optional and not served here, so the lockfile pins
  // what installs on this platform; --no-save leaves it as committed.
  execFileSync('npm', ['install', '--prefix', PEERS, '--no-save', '--no-audit', '--no-fund'], { stdio: 'ignore' });
}

export const peerBin = (name: string) => `${PEERS}node_modules/.bin/${name}`;
