const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = -1;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) | 0;
}

/**
 * The checksum Flyway records for a SQL script (`flyway_schema_history.checksum`): a CRC32, as a signed 32-bit
 * integer, over the script's lines without their line breaks (so CRLF and LF files agree) and without a BOM.
 * Used to tell whether a repeatable script is the one Flyway last applied.
 */
export function flywayChecksum(bytes: Buffer): number {
  let source = bytes.toString('utf8');
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  const lines = source.split(/\r\n|\r|\n/);
  // A final line break ends the last line; it does not start an empty one.
  if (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return crc32(Buffer.from(lines.join(''), 'utf8'));
}
