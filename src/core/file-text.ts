/** Where a migration file's bytes stop being SQL text, and why. */
export interface TextProblem {
  /** 1-based; the column counts characters, as editors do. */
  line: number;
  column: number;
  problem: string;
}

/**
 * Why a file's bytes cannot be sent to the server as they are, or null. A NUL byte ends a C string, so the
 * parser and the server would silently drop everything after it and the file would be recorded as applied;
 * bytes that are not UTF-8 would be replaced (U+FFFD) while decoding, so something other than the file would
 * run, where the server (and psql) refuse them. Pure; `text` is `bytes` decoded as UTF-8.
 */
export function sqlTextProblem(bytes: Uint8Array, text: string): TextProblem | null {
  // Cheap guard: both searches are native; the byte scan runs only for a suspicious file.
  if (text.indexOf('\0') === -1 && text.indexOf('\uFFFD') === -1) return null;
  const bad = firstBadByte(bytes);
  if (!bad) return null; // a genuine, correctly encoded U+FFFD
  const { line, column } = lineColumnOfByte(bytes, bad.offset);
  const hex = `0x${bytes[bad.offset]!.toString(16).toUpperCase().padStart(2, '0')}`;
  const problem =
    bad.kind === 'nul'
      ? `contains a NUL byte (0x00) at line ${line}, column ${column}: everything after it would be silently ` +
        'dropped. Remove it (is this a binary file, or saved as UTF-16?)'
      : `is not valid UTF-8: byte ${hex} at line ${line}, column ${column} cannot be sent as it is (the server ` +
        'refuses it). Save the file as UTF-8';
  return { line, column, problem };
}

/** The first NUL byte or byte that is not part of a well-formed UTF-8 sequence (RFC 3629), or null. */
function firstBadByte(bytes: Uint8Array): { offset: number; kind: 'nul' | 'utf8' } | null {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b === 0) return { offset: i, kind: 'nul' };
    if (b < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return { offset: i, kind: 'utf8' };
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return { offset: i, kind: 'utf8' };
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return { offset: i, kind: 'utf8' };
    i += length;
  }
  return null;
}

function lineColumnOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Characters, not bytes: what the bytes before it on its line decode to.
  const before = new TextDecoder().decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}
