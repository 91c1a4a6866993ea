/**
 * Aligned, borderless tables for human output (the layout of `gh` and `npm ls`). Hand-written on
 * purpose: cli-table3 cost ~18 ms of a ~390 ms `cto models list` (CPU profile), against a 3 ×
 * `node -e 0` start-up target, and the cells here are plain text without colour or wide characters.
 */
export interface Column<Row> {
  header: string
  get: (row: Row) => string | number | boolean | undefined
}

function format(v: string | number | boolean | undefined): string {
  if (v === undefined) return '-'
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  return String(v)
}

export function renderTable<Row>(rows: Row[], columns: Column<Row>[]): string {
  const cells = [columns.map((c) => c.header.toUpperCase()), ...rows.map((r) => columns.map((c) => format(c.get(r))))]
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => [...line[i]].length)))
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length))).join('  ').trimEnd()).join('\n')
}
