/**
 * Aligned columns for the CLI's tables (status, verify, introspection, diff): every cell padded to its
 * column's widest, two spaces apart. Colour is applied after padding so escape codes never shift a column.
 */
export function formatTable(
  rows: readonly (readonly string[])[],
  options: {
    header?: readonly string[];
    indent?: string;
    paint?: (row: number, column: number, padded: string) => string;
  } = {},
): string[] {
  const all = options.header ? [options.header, ...rows] : rows;
  const columns = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...all.map((r) => r[i]?.length ?? 0)));
  const indent = options.indent ?? '';
  const line = (cells: readonly string[], row: number) =>
    indent +
    cells
      .map((cell, column) => {
        const padded = cell.padEnd(widths[column]!);
        return options.paint && row >= 0 ? options.paint(row, column, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [...(options.header ? [line(options.header, -1)] : []), ...rows.map((cells, row) => line(cells, row))];
}
