/** 1-based line and column of a character offset in a text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const limit = Math.max(0, Math.min(offset, text.length));
  for (let i = 0; i < limit; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: limit - lineStart + 1 };
}

/** Line and column for the byte offsets libpg-query puts in AST `location` fields (UTF-8, 0-based). */
export function byteLocator(text: string): (byteOffset: number) => { line: number; column: number } {
  const bytes = Buffer.from(text, 'utf8');
  const ascii = bytes.length === text.length;
  return (byteOffset) =>
    lineColumnAt(text, ascii ? byteOffset : bytes.subarray(0, Math.max(0, byteOffset)).toString('utf8').length);
}
