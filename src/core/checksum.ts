import { createHash } from 'node:crypto';

/** `sha256:` plus the hex digest of the file's exact bytes, so any edit (even whitespace) is detected. */
export function checksumOf(content: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** First 8 hex digits, for tables and the dashboard. */
export function shortChecksum(checksum: string): string {
  return checksum.replace(/^sha256:/, '').slice(0, 8);
}
