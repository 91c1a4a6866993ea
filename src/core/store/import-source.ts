/**
 * Reading an import file as a stream of items, in constant memory: our jsonl export (attempts and
 * baseline lines), csv (attempts), a JSON array of attempts, or the original system's
 * model_performance.json. Each item says where it came from (`line 12`, `row 3`, `item 4`,
 * `models.deepseek`), so a validation problem names its place.
 *
 * Before, import read the whole file into one string: past ~1.17 M records (512 MiB, V8's string
 * limit) it failed with `Invalid string length`, and 1 M records peaked at 2.3 GB. Here jsonl and
 * csv go through in 1 MiB chunks; the file's sha256 is computed on the way (an import reads the
 * file twice — validate everything, then write — and refuses to commit if it changed in between).
 * A JSON array or model_performance.json is one JSON value and is parsed whole, so it is
 * limited to 256 MiB (a JSON array that large is better as jsonl: `jq -c '.[]'`).
 *
 * Format detection, after an optional UTF-8 BOM (accepted in every format): nothing but
 * whitespace → an empty jsonl export (0 records; the export of an empty store is an empty file);
 * `[` → JSON array; `{` whose first line is a whole JSON object → jsonl, unless that object has a
 * `models` key (a one-line model_performance.json); `{` otherwise → one JSON document
 * (model_performance.json); anything else → csv (header row with task_id; a header-only file is
 * an empty csv export).
 */
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {CtoError} from '../errors.js'
import type {ImportFormat} from './types.js'

export interface ImportItem {
  where: string
  kind: 'attempt' | 'baseline' | 'unparsable'
  value: unknown
}

export interface SourceInfo {
  format: ImportFormat
  sha256: string
  /** Only for model_performance.json / a JSON array: the parsed document. */
  document?: unknown
}

const WHOLE_LIMIT = 256 * 1024 * 1024
// 256 KiB: a batch of ~600 records in flight keeps the heap small (10 M records in < 300 MB RSS).
const CHUNK = 256 * 1024

function unreadable(file: string, why: string, line?: number): CtoError {
  return new CtoError({
    code: 'PERF_IMPORT_INVALID',
    message: `${file}${line === undefined ? '' : `:${line}`} is not a performance export: ${why}. Nothing was imported.`,
    actions: ['Import a file written by "cto perf export" (jsonl or csv), a JSON array of attempts, or the original model_performance.json.'],
  })
}

async function head(file: string): Promise<Buffer> {
  const fh = await open(file, 'r')
  try {
    const buf = Buffer.alloc(64 * 1024)
    const {bytesRead} = await fh.read(buf, 0, buf.length, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

const hasBom = (b: Buffer) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf

export async function detectFormat(file: string): Promise<{format: ImportFormat | 'json-document'}> {
  const start = await head(file)
  const text = (hasBom(start) ? start.subarray(3) : start).toString('utf8')
  const trimmed = text.trimStart()
  if (trimmed === '') return {format: 'jsonl'}
  if (trimmed.startsWith('[')) return {format: 'json'}
  if (trimmed.startsWith('{')) {
    const nl = trimmed.indexOf('\n')
    const first = (nl < 0 ? trimmed : trimmed.slice(0, nl)).trim()
    try {
      const v = JSON.parse(first) as unknown
      if (typeof v === 'object' && v !== null && 'models' in v && !('task_id' in v)) return {format: 'json-document'}
      return {format: 'jsonl'}
    } catch {
      // Pretty-printed JSON (`{` alone on the first line), or jsonl whose first line is broken:
      // readImportSource tries the whole document and falls back to jsonl (problems by line).
      return {format: 'json-document'}
    }
  }
  return {format: 'csv'}
}

/**
 * Read `file` once, calling `onItems` with batches of items (awaited: back-pressure). Returns the
 * format and the sha256 of the file's bytes. Throws PERF_IMPORT_INVALID when the file is not one
 * of the formats at all (a problem with one record is an item of kind `unparsable`, or a
 * validation problem found by the caller).
 */
export async function readImportSource(file: string, onItems: (items: ImportItem[]) => Promise<void> | void): Promise<SourceInfo> {
  const {format} = await detectFormat(file)
  if (format === 'json' || format === 'json-document') {
    const size = (await stat(file)).size
    if (size > WHOLE_LIMIT && format === 'json-document') return readJsonl(file, onItems)
    if (size > WHOLE_LIMIT) {
      throw unreadable(file, `a single JSON document of ${Math.round(size / 1048576)} MiB is too large to read at once (limit 256 MiB); convert it to JSON lines first: jq -c '.[]' ${file} > ${file}.jsonl`)
    }
    const {readFile} = await import('node:fs/promises')
    const bytes = await readFile(file)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    let value: unknown
    try {
      value = JSON.parse((hasBom(bytes) ? bytes.subarray(3) : bytes).toString('utf8'))
    } catch (error) {
      if (format === 'json-document') return readJsonl(file, onItems)
      throw unreadable(file, `it starts like a JSON array but does not parse (${(error as Error).message})`)
    }
    if (Array.isArray(value)) {
      const items: ImportItem[] = value.map((v, i) => ({where: `item ${i + 1}`, kind: isBaselineLike(v) ? 'baseline' : 'attempt', value: v}))
      for (let i = 0; i < items.length; i += 1000) await onItems(items.slice(i, i + 1000))
      return {format: 'json', sha256}
    }
    if (typeof value === 'object' && value !== null && 'models' in value) return {format: 'model_performance', sha256, document: value}
    if (typeof value === 'object' && value !== null) {
      await onItems([{where: 'line 1', kind: isBaselineLike(value) ? 'baseline' : 'attempt', value}])
      return {format: 'jsonl', sha256}
    }
    throw unreadable(file, 'a JSON value that is neither an array of attempts nor model_performance.json')
  }
  if (format === 'csv') return readCsv(file, onItems)
  return readJsonl(file, onItems)
}

function isBaselineLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as {kind?: unknown}).kind === 'baseline'
}

async function readJsonl(file: string, onItems: (items: ImportItem[]) => Promise<void> | void): Promise<SourceInfo> {
  const hash = createHash('sha256')
  let carry = ''
  let lineNo = 0
  let first = true
  const handle = (text: string, items: ImportItem[]) => {
    lineNo += 1
    const t = text.endsWith('\r') ? text.slice(0, -1) : text
    if (t.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(t)
    } catch (error) {
      items.push({where: `line ${lineNo}`, kind: 'unparsable', value: `not JSON (${(error as Error).message})`})
      return
    }
    items.push({where: `line ${lineNo}`, kind: isBaselineLike(value) ? 'baseline' : 'attempt', value})
  }
  const decoder = new TextDecoder('utf-8')
  for await (const raw of createReadStream(file, {highWaterMark: CHUNK})) {
    let chunk = raw as Buffer
    hash.update(chunk)
    if (first) {
      first = false
      if (hasBom(chunk)) chunk = chunk.subarray(3)
    }
    const text = carry + decoder.decode(chunk, {stream: true})
    const lines = text.split('\n')
    carry = lines.pop() as string
    const items: ImportItem[] = []
    for (const l of lines) handle(l, items)
    if (items.length > 0) await onItems(items)
  }
  const items: ImportItem[] = []
  handle(carry + decoder.decode(), items)
  if (items.length > 0) await onItems(items)
  return {format: 'jsonl', sha256: hash.digest('hex')}
}

async function readCsv(file: string, onItems: (items: ImportItem[]) => Promise<void> | void): Promise<SourceInfo> {
  const {parse} = await import('csv-parse')
  const {csvCellsToObject} = await import('./attempt-csv.js')
  const hash = createHash('sha256')
  const input = createReadStream(file, {highWaterMark: CHUNK})
  input.on('data', (chunk) => hash.update(chunk as Buffer))
  const parser = input.pipe(parse({bom: true, relax_column_count: true, skip_empty_lines: true, info: true}))
  let header: string[] | undefined
  let batch: ImportItem[] = []
  try {
    for await (const rec of parser as AsyncIterable<{record: string[]; info: {lines: number}}>) {
      if (!header) {
        header = rec.record
        if (!header.includes('task_id')) throw unreadable(file, 'no JSON, and no CSV header with task_id', 1)
        continue
      }
      batch.push({where: `line ${rec.info.lines}`, kind: 'attempt', value: csvCellsToObject(header, rec.record)})
      if (batch.length >= 1000) {
        await onItems(batch)
        batch = []
      }
    }
  } catch (error) {
    if (CtoError.isInstance(error)) throw error
    const e = error as Error & {lines?: number}
    if (typeof e.lines === 'number') throw unreadable(file, `the CSV is malformed (${e.message})`, e.lines)
    throw error
  }
  if (batch.length > 0) await onItems(batch)
  return {format: 'csv', sha256: hash.digest('hex')}
}
