import * as crypto from 'node:crypto';

// One-shot hashing (Node ≥ 20.12) is markedly cheaper for small inputs than a Hash object; Bun may lack it.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array) => string }).hash;

/** `sha256:` plus the hex digest of the file's exact bytes, so any edit (even whitespace) is detected. */
export function checksumOf(content: string | Uint8Array): string {
  return `sha256:${oneShot ? oneShot('sha256', content) : crypto.createHash('sha256').update(content).digest('hex')}`;
}

/** First 8 hex digits, for tables and the dashboard. */
export function shortChecksum(checksum: string): string {
  return checksum.replace(/^sha256:/, '').slice(0, 8);
}
