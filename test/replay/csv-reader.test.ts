import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {CsvFormatError, readCsvRecords} from '../../src/core/replay/csv-reader.js'
import {readBenchFile} from '../../src/core/replay/routerbench-file.js'
import {CtoError} from '../../src/core/errors.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-csv-'))
})

async function collect(file: string) {
  const out = []
  for await (const r of readCsvRecords(file)) out.push(r)
  return out
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}

describe('readCsvRecords', () => {
  it('reads quoted fields holding commas, doubled quotes and newlines, with the line each record starts on', async () => {
    const file = join(dir, 'multi.csv')
    await writeFile(file, 'id,text,n\n1,"hello, world",2\n2,"line one\nline ""two""\nline three",3\n3,plain,4\n')
    const rows = await collect(file)
    expect(rows.map((r) => r.fields)).toEqual([
      {id: '1', text: 'hello, world', n: '2'},
      {id: '2', text: 'line one\nline "two"\nline three', n: '3'},
      {id: '3', text: 'plain', n: '4'},
    ])
    expect(rows.map((r) => r.line)).toEqual([2, 3, 6])
  })

  it('names the line of a record with too many fields', async () => {
    const file = join(dir, 'fields.csv')
    await writeFile(file, 'a,b\n1,2\n3,4,5\n')
    const error = await failure(collect(file))
    expect(error).toBeInstanceOf(CsvFormatError)
    expect((error as CsvFormatError).line).toBe(3)
    expect((error as Error).message).toMatch(/fields\.csv:3: /)
  })

  it('names the line where an unclosed quote starts', async () => {
    const file = join(dir, 'quote.csv')
    await writeFile(file, 'a,b\n1,"ok\nstill ok"\n2,"never closed\n3,4\n5,6\n')
    const error = await failure(collect(file))
    expect(error).toBeInstanceOf(CsvFormatError)
    expect((error as CsvFormatError).line).toBe(4)
    expect((error as Error).message).toMatch(/quote.csv:4: a quoted field .* never closed/)
    expect(CtoError.isInstance(error) && error.code).toBe('CSV_MALFORMED')
  })

  it('names the line of a stray quote after a closing quote', async () => {
    const file = join(dir, 'stray.csv')
    await writeFile(file, 'a,b\n1,2\n3,"x"y\n')
    const error = await failure(collect(file))
    expect((error as CsvFormatError).line).toBe(3)
  })

  it('says so when the file does not exist', async () => {
    const error = await failure(collect(join(dir, 'nope.csv')))
    expect(CtoError.isInstance(error) && error.code).toBe('FILE_NOT_FOUND')
  })
})

describe('readBenchFile', () => {
  it('finds the models from the |total_cost twins and reads scores and costs', async () => {
    const file = join(dir, 'bench.csv')
    await writeFile(file, 'sample_id,eval_name,prompt,m1,m2,m1|total_cost,m2|total_cost,oracle_model_to_route_to\ns1,mbpp,"multi\nline, prompt",1.0,,0.5,0.25,m1\n')
    const b = await readBenchFile(file)
    expect(b.models).toEqual(['m1', 'm2'])
    expect(b.rows[0]).toMatchObject({sampleId: 's1', evalName: 'mbpp', prompt: 'multi\nline, prompt', scores: {m1: 1, m2: undefined}, costs: {m1: 0.5, m2: 0.25}})
  })

  it('rejects a score that is not a number, naming the line', async () => {
    const file = join(dir, 'badscore.csv')
    await writeFile(file, 'sample_id,eval_name,prompt,m1,m1|total_cost\ns1,x,p,1.0,0.1\ns2,x,p,yes,0.1\n')
    const error = await failure(readBenchFile(file))
    expect((error as Error).message).toMatch(/badscore\.csv:3: column "m1" should be a number, got "yes"/)
  })

  it('rejects a file without the RouterBench columns', async () => {
    const file = join(dir, 'other.csv')
    await writeFile(file, 'a,b\n1,2\n')
    expect(((await failure(readBenchFile(file))) as Error).message).toMatch(/missing column\(s\) sample_id, eval_name, prompt/)
  })
})
