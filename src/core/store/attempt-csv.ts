/**
 * CSV for attempts (RFC 4180: comma separated, fields with comma, quote or newline quoted, quotes
 * doubled). Reading uses csv-parse; writing is the few lines below.
 * Empty cells are absent optional fields; booleans are `true`/`false`; lists (failed_before,
 * features) are JSON arrays in their cell.
 */
import {parse} from 'csv-parse/sync'
import type {AttemptRecord} from './types.js'

const NUMBERS = new Set(['quality', 'escalation_step', 'input_tokens', 'output_tokens', 'cost_usd', 'duration_ms', 'files_changed', 'lines_added', 'lines_removed', 'verify_exit_code', 'verify_duration_ms'])
const BOOLEANS = new Set(['success', 'approved', 'verify_passed'])
const OPTIONAL = new Set(['override_reason', 'approved', 'quality', 'error_class', 'verify_command', 'attempt_id', 'user'])
const LISTS = new Set(['failed_before', 'features'])

function cell(v: unknown): string {
  if (v === undefined || v === null) return ''
  const s = Array.isArray(v) ? JSON.stringify(v) : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function csvHeader(fields: readonly string[]): string {
  return fields.map(cell).join(',') + '\n'
}

export function csvRow(r: AttemptRecord, fields: readonly string[]): string {
  const o = r as unknown as Record<string, unknown>
  return fields.map((f) => cell(o[f])).join(',') + '\n'
}

/** Split CSV text into rows of cells (csv-parse). Throws on malformed CSV, e.g. an unterminated quote. */
export function parseCsv(text: string): string[][] {
  return parse(text, {bom: true, relax_column_count: true, skip_empty_lines: true}) as string[][]
}

/** One CSV row (cells under `header`) as a plain object with typed values, for schema checking. */
export function csvCellsToObject(header: readonly string[], cells: readonly string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  header.forEach((name, i) => {
    const raw = cells[i] ?? ''
    if (raw === '' && (OPTIONAL.has(name) || NUMBERS.has(name) || BOOLEANS.has(name) || LISTS.has(name))) return
    if (LISTS.has(name)) {
      try {
        o[name] = JSON.parse(raw)
      } catch {
        o[name] = raw // the schema check names it
      }
    } else if (NUMBERS.has(name)) o[name] = Number(raw)
    else if (BOOLEANS.has(name)) o[name] = raw === 'true' ? true : raw === 'false' ? false : raw
    else o[name] = raw
  })
  return o
}

/** Turn parsed CSV rows (first row: header) into plain objects with typed values, for schema checking. */
export function csvToObjects(rows: string[][]): Array<Record<string, unknown>> {
  const [header, ...body] = rows
  if (!header) return []
  return body.map((cells) => csvCellsToObject(header, cells))
}
