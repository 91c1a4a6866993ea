/**
 * CSV for attempts (RFC 4180: comma separated, fields with comma, quote or newline quoted, quotes
 * doubled). Small enough to write here; no CSV library is a declared dependency of cto.
 * Empty cells are absent optional fields; booleans are `true`/`false`.
 */
import type {AttemptRecord} from './types.js'

const NUMBERS = new Set(['quality', 'escalation_step', 'input_tokens', 'output_tokens', 'cost_usd', 'duration_ms'])
const BOOLEANS = new Set(['success', 'approved'])
const OPTIONAL = new Set(['override_reason', 'approved', 'quality', 'error_class'])

function cell(v: unknown): string {
  if (v === undefined || v === null) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function csvHeader(fields: readonly string[]): string {
  return fields.map(cell).join(',') + '\n'
}

export function csvRow(r: AttemptRecord, fields: readonly string[]): string {
  const o = r as unknown as Record<string, unknown>
  return fields.map((f) => cell(o[f])).join(',') + '\n'
}

/** Split CSV text into rows of cells. Throws on an unterminated quoted field. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  let quoted = false
  while (i < text.length) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
      } else field += c
      i += 1
      continue
    }
    if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
    i += 1
  }
  if (quoted) throw new Error('unterminated quoted field at the end of the file')
  if (field !== '' || row.length > 0) {
    row.push(field)
    rows.push(row)
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''))
}

/** Turn parsed CSV rows (first row: header) into plain objects with typed values, for schema checking. */
export function csvToObjects(rows: string[][]): Array<Record<string, unknown>> {
  const [header, ...body] = rows
  if (!header) return []
  return body.map((cells) => {
    const o: Record<string, unknown> = {}
    header.forEach((name, i) => {
      const raw = cells[i] ?? ''
      if (raw === '' && (OPTIONAL.has(name) || NUMBERS.has(name) || BOOLEANS.has(name))) return
      if (NUMBERS.has(name)) o[name] = Number(raw)
      else if (BOOLEANS.has(name)) o[name] = raw === 'true' ? true : raw === 'false' ? false : raw
      else o[name] = raw
    })
    return o
  })
}
