import type { ImportLayout } from './types.js';

/** One file of the output directory and where it came from. */
export interface OutputFile {
  target: string;
  bytes: Buffer;
  sources: string[];
  kind: 'up' | 'down' | 'repeatable' | 'check';
  /** Why it runs outside a transaction, when it does. */
  noTransaction?: string;
}

/**
 * Our directive on a line of its own above the peer's bytes, which follow unchanged. A sidecar file would keep
 * the .sql identical to the peer's, but the checksum would then not cover how the file runs; this way turning
 * the mode on or off is a change of the migration, as it should be. The checksum recorded is that of the file
 * written (directive included); the peer's own checksums are compared with the peer's bytes.
 */
export function withDirective(bytes: Buffer, reason: string | undefined): Buffer {
  if (!reason) return bytes;
  return Buffer.concat([Buffer.from(`-- ogel:no-transaction (imported: ${reason})\n`, 'utf8'), bytes]);
}

/** The files an import writes, in our layout. Pure. */
export function outputFiles(layout: ImportLayout): OutputFile[] {
  const files: OutputFile[] = [];
  for (const m of layout.migrations) {
    const stem = `${m.version}_${m.name}`;
    files.push({
      target: `${stem}.sql`,
      bytes: withDirective(m.up, m.noTransaction),
      sources: m.sources.slice(0, 1),
      kind: 'up',
      ...(m.noTransaction ? { noTransaction: m.noTransaction } : {}),
    });
    if (m.down)
      files.push({
        target: `${stem}.down.sql`,
        bytes: withDirective(m.down, m.downNoTransaction),
        sources: m.sources.slice(m.sources.length > 1 ? 1 : 0, 2),
        kind: 'down',
        ...(m.downNoTransaction ? { noTransaction: m.downNoTransaction } : {}),
      });
  }
  for (const r of layout.repeatables)
    files.push({
      target: `R_${r.name}.sql`,
      bytes: withDirective(r.up, r.noTransaction),
      sources: r.sources,
      kind: 'repeatable',
      ...(r.noTransaction ? { noTransaction: r.noTransaction } : {}),
    });
  for (const c of layout.checks) files.push({ target: c.target, bytes: c.bytes, sources: c.sources, kind: 'check' });
  return files;
}
