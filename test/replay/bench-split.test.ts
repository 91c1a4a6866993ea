import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {splitFile} from '../../bench/replay-report.js'
import {readBenchFile} from '../../src/core/replay/routerbench-file.js'

// The replay bench's split: the first 70 % of a file's rows warm up, the rest are scored; a
// shuffled seed meets the same rows in another order. Records are kept byte for byte, a prompt
// with a line break included.
let dir: string
let file: string
const header = 'sample_id,eval_name,prompt,a,b,a|total_cost,b|total_cost,oracle_model_to_route_to'
const record = (i: number) => (i === 3 ? `r${i},x,"two\nlines, quoted",1.0,0.0,0.001,0.002,a` : `r${i},x,['prompt ${i}'],${i % 2}.0,1.0,0.001,0.002,b`)

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-split-'))
  file = join(dir, 'demo_train.csv')
  await writeFile(file, `${[header, ...Array.from({length: 20}, (_, i) => record(i))].join('\n')}\n`)
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('the replay bench split', () => {
  it('keeps the file order and every record as it was, and a shuffled seed holds out the same rows in another order', async () => {
    const plain = await splitFile(file, dir)
    const tuneText = await readFile(plain.tune, 'utf8')
    const heldText = await readFile(plain.heldOut, 'utf8')
    expect(tuneText).toBe(`${[header, ...Array.from({length: 14}, (_, i) => record(i))].join('\n')}\n`)
    expect(heldText).toBe(`${[header, ...Array.from({length: 6}, (_, i) => record(14 + i))].join('\n')}\n`)

    const ids = async (path: string) => (await readBenchFile(path)).rows.map((r) => r.sampleId)
    const a = await splitFile(file, dir, 101)
    const b = await splitFile(file, dir, 102)
    for (const s of [a, b]) {
      expect([...(await ids(s.tune))].sort()).toEqual([...(await ids(plain.tune))].sort())
      expect([...(await ids(s.heldOut))].sort()).toEqual([...(await ids(plain.heldOut))].sort())
      expect((await readBenchFile(s.tune)).rows.find((r) => r.sampleId === 'r3')?.prompt).toBe('two\nlines, quoted')
    }
    expect(await ids(a.tune)).not.toEqual(await ids(plain.tune))
    expect(await ids(a.tune)).not.toEqual(await ids(b.tune))
    // The same seed, the same order.
    expect(await ids((await splitFile(file, dir, 101)).tune)).toEqual(await ids(a.tune))
  })
})
