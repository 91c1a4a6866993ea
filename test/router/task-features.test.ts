import {describe, expect, it} from 'vitest'
import {MAX_FEATURES, fnv1a, taskFeatures} from '../../src/core/router/task-features.js'

describe('taskFeatures', () => {
  it('hashes words, length, code and math markers and file names into a sorted, unique list', () => {
    const f = taskFeatures('Fix the failing test in src/parser.ts: `def parse(x): return x + 1`')
    expect(f).toEqual([...new Set(f)].sort((a, b) => a - b))
    for (const name of ['bias', 'w:fix', 'w:parser', 'file', 'ext:ts', 'code:def', 'math:number']) expect(f).toContain(fnv1a(name))
    expect(f).not.toContain(fnv1a('question'))
    expect(taskFeatures('what is 12 * 7')).toContain(fnv1a('math:operator'))
    expect(taskFeatures('What is the capital of France?')).toContain(fnv1a('question'))
  })

  it('is the same for the same text and differs for different texts', () => {
    expect(taskFeatures('rename a variable')).toEqual(taskFeatures('rename a variable'))
    expect(taskFeatures('rename a variable')).not.toEqual(taskFeatures('summarise the open issues'))
  })

  it('keeps at most MAX_FEATURES features of a long text', () => {
    const long = Array.from({length: 500}, (_, i) => `word${i}`).join(' ')
    expect(taskFeatures(long).length).toBeLessThanOrEqual(MAX_FEATURES)
  })
})
