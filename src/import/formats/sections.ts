/**
 * Splits a file that holds both directions, at the byte offsets of its marker lines, so each section keeps the
 * peer's bytes exactly. `marker` matches a whole marker line (multiline flag) and names its direction in group 1.
 */
export function splitSections(
  bytes: Buffer,
  marker: RegExp,
  keepMarker: boolean,
): Array<{ direction: string; options: string; bytes: Buffer; line: number }> {
  // Offsets are found in the latin1 view, where one character is one byte: the markers are ASCII.
  const view = bytes.toString('latin1');
  const found: Array<{ direction: string; options: string; start: number; bodyStart: number; line: number }> = [];
  const pattern = new RegExp(marker.source, marker.flags.includes('g') ? marker.flags : `${marker.flags}g`);
  for (let m = pattern.exec(view); m; m = pattern.exec(view)) {
    const lineEnd = view.indexOf('\n', m.index + m[0].length);
    found.push({
      direction: m[1]!.toLowerCase(),
      options: (m[2] ?? '').trim(),
      start: m.index,
      bodyStart: keepMarker ? m.index : lineEnd < 0 ? view.length : lineEnd + 1,
      line: view.slice(0, m.index).split('\n').length,
    });
  }
  return found.map((f, i) => ({
    direction: f.direction,
    options: f.options,
    bytes: bytes.subarray(f.bodyStart, i + 1 < found.length ? found[i + 1]!.start : bytes.length),
    line: f.line,
  }));
}
