/**
 * A streaming CSV reader on csv-parse: one record at a time (never the whole file in memory),
 * quoted fields may hold commas, quotes ("") and newlines. A malformed file raises CsvFormatError
 * naming the file, the line, and what is wrong.
 */
import {createReadStream} from 'node:fs'
import {parse} from 'csv-parse'
import {CtoError} from '../errors.js'

export class CsvFormatError extends CtoError {
  readonly file: string
  readonly line: number
  constructor(file: string, line: number, problem: string, cause?: unknown) {
    super({
      code: 'CSV_MALFORMED',
      message: `${file}:${line}: ${problem}`,
      actions: [`Fix line ${line} of ${file} (quote fields that hold commas, quotes or newlines; double a quote inside a quoted field).`],
      cause,
    })
    this.name = 'CsvFormatError'
    this.file = file
    this.line = line
  }
}

export interface CsvRecord {
  /** Line where the record starts (the header is line 1). */
  line: number
  fields: Record<string, string>
}

interface CsvParseError {
  code?: string
  message?: string
  lines?: number
}

/** Streams the records of a CSV file with a header line. */
export async function* readCsvRecords(file: string): AsyncGenerator<CsvRecord> {
  const parser = parse({columns: true, info: true, bom: true, skip_empty_lines: true})
  const input = createReadStream(file)
  // pipe() does not forward the source's errors (a missing file): hand them to the parser.
  input.on('error', (error) => parser.destroy(error))
  input.pipe(parser)
  let lastEnd = 1
  try {
    for await (const item of parser as AsyncIterable<{record: Record<string, string>; info: {lines: number}}>) {
      yield {line: lastEnd + 1, fields: item.record}
      lastEnd = item.info.lines
    }
  } catch (error) {
    if (CtoError.isInstance(error)) throw error
    const e = error as CsvParseError & NodeJS.ErrnoException
    if (e.code === 'ENOENT') {
      throw new CtoError({code: 'FILE_NOT_FOUND', message: `No such file: ${file}`, actions: ['Check the path.'], cause: error})
    }
    if (typeof e.code === 'string' && (e.code.startsWith('CSV_') || e.code === 'INVALID_OPENING_QUOTE')) {
      const start = lastEnd + 1
      const problem = (e.message ?? 'malformed CSV').replace(/\s+on line \d+$|\s+at line \d+/, '')
      if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
        throw new CsvFormatError(file, start, `a quoted field opened in the record starting here is never closed (reached the end of the file at line ${e.lines ?? '?'})`, error)
      }
      throw new CsvFormatError(file, e.lines ?? start, problem, error)
    }
    throw error
  } finally {
    input.destroy()
    parser.destroy()
  }
}
