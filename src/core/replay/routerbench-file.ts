/**
 * Reads a RouterBench outcome file (see /work/shared/data/routerbench/README.md): per row a
 * `sample_id`, `eval_name`, `prompt`, a 0/1 score per model (empty: no result) and
 * `<model>|total_cost` in USD. The models are found from the header: every column that has a
 * `|total_cost` twin.
 */
import {basename} from 'node:path'
import {CsvFormatError, readCsvRecords} from './csv-reader.js'

export interface BenchRow {
  /** File the row came from (base name). */
  file: string
  line: number
  sampleId: string
  evalName: string
  prompt: string
  /** 1 correct, 0 wrong, undefined no result. */
  scores: Record<string, number | undefined>
  /** USD per call (0 when empty). */
  costs: Record<string, number>
}

export interface BenchFile {
  path: string
  name: string
  models: string[]
  rows: BenchRow[]
}

const REQUIRED = ['sample_id', 'eval_name', 'prompt']
const COST_SUFFIX = '|total_cost'

function parseNumber(raw: string | undefined, file: string, line: number, column: string): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  const n = Number(raw)
  if (!Number.isFinite(n)) throw new CsvFormatError(file, line, `column "${column}" should be a number, got "${raw.slice(0, 40)}"`)
  return n
}

export async function readBenchFile(path: string): Promise<BenchFile> {
  const name = basename(path)
  let models: string[] | undefined
  const rows: BenchRow[] = []
  for await (const {line, fields} of readCsvRecords(path)) {
    if (!models) {
      const columns = Object.keys(fields)
      const missing = REQUIRED.filter((c) => !columns.includes(c))
      if (missing.length > 0) throw new CsvFormatError(path, 1, `missing column(s) ${missing.join(', ')}: not a RouterBench outcome file`)
      models = columns.filter((c) => !c.includes('|') && columns.includes(`${c}${COST_SUFFIX}`))
      if (models.length === 0) throw new CsvFormatError(path, 1, 'no model columns (a model column needs a "<model>|total_cost" twin)')
    }
    const scores: Record<string, number | undefined> = {}
    const costs: Record<string, number> = {}
    for (const m of models) {
      const score = parseNumber(fields[m], path, line, m)
      if (score !== undefined && score !== 0 && score !== 1) throw new CsvFormatError(path, line, `score of ${m} should be 0 or 1, got ${score}`)
      scores[m] = score
      costs[m] = parseNumber(fields[`${m}${COST_SUFFIX}`], path, line, `${m}${COST_SUFFIX}`) ?? 0
    }
    rows.push({file: name, line, sampleId: fields.sample_id ?? '', evalName: fields.eval_name ?? '', prompt: fields.prompt ?? '', scores, costs})
  }
  if (!models) throw new CsvFormatError(path, 1, 'the file has no header or no rows')
  return {path, name, models, rows}
}
