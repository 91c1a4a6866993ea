import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {auc, textSignal} from '../../bench/text-signal.js'

// bench/text-signal.ts: whether a row's prompt tells which model gets it right. A file whose rows
// say "easy" or "hard" (and model a is right exactly on the easy ones) has a signal; a file whose
// rows all carry the same prompt has none, whatever the outcomes.
let dir: string
const header = 'sample_id,eval_name,prompt,a,b,a|total_cost,b|total_cost,oracle_model_to_route_to'
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-text-signal-'))
  const rows = (prompt: (i: number) => string) => Array.from({length: 40}, (_, i) => `r${i},x,['${prompt(i)}'],${i % 3 === 0 ? 1 : 0}.0,1.0,0.001,0.002,a`)
  await writeFile(join(dir, 'words_train.csv'), `${[header, ...rows((i) => (i % 3 === 0 ? `an easy question number ${i}` : `a hard question number ${i}`))].join('\n')}\n`)
  await writeFile(join(dir, 'same_train.csv'), `${[header, ...rows(() => 'the same few-shot opening')].join('\n')}\n`)
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('the text signal bench', () => {
  it('scores ranking by AUC, ties at their mean rank', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1)
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0)
    expect(auc([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 1])).toBe(0.5)
    expect(Number.isNaN(auc([0.1, 0.2], [1, 1]))).toBe(true)
  })

  it('finds the words that tell the rows apart, and nothing where every prompt is the same', async () => {
    const rows = await textSignal(dir, ['words_train.csv', 'same_train.csv'])
    const a = (file: string) => rows.find((r) => r.file === file && r.model === 'a')
    expect(a('words_train.csv')?.held_auc).toBe(1)
    expect(a('words_train.csv')?.held_logloss).toBeLessThan(a('words_train.csv')?.base_logloss ?? 0)
    expect(a('same_train.csv')?.held_auc).toBe(0.5)
  })
})
