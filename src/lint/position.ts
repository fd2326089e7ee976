import { lineColumnAt } from '../sql/position.js';

/**
 * Maps the UTF-8 byte offsets libpg-query puts in AST `location` fields to 1-based line and column in the
 * file's text, so a finding points at the exact column, multibyte text before it included.
 */
export function byteLocator(text: string): (byteOffset: number) => { line: number; column: number } {
  const bytes = Buffer.from(text, 'utf8');
  const ascii = bytes.length === text.length;
  return (byteOffset) => {
    const charOffset = ascii ? byteOffset : bytes.subarray(0, Math.max(0, byteOffset)).toString('utf8').length;
    return lineColumnAt(text, charOffset);
  };
}
