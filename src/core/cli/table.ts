/** Aligned, borderless tables for human output (cli-table3, like `gh` and `npm ls` layouts). */
import Table from 'cli-table3'

export interface Column<Row> {
  header: string
  get: (row: Row) => string | number | boolean | undefined
}

export function renderTable<Row>(rows: Row[], columns: Column<Row>[]): string {
  const table = new Table({
    head: columns.map((c) => c.header.toUpperCase()),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const row of rows) table.push(columns.map((c) => format(c.get(row))))
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
}

function format(v: string | number | boolean | undefined): string {
  if (v === undefined) return '-'
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  return String(v)
}
