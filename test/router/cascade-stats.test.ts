import {describe, expect, it} from 'vitest'
import {
  MemoryCascadeStats,
  cascadeStateFromJson,
  cascadeStateToJson,
  observationFromAttempt,
  type CascadeObservation,
} from '../../src/core/router/cascade-stats.js'
import {taskFeatures} from '../../src/core/router/task-features.js'
import type {AttemptRecord} from '../../src/core/store/types.js'

const obs = (model: string, failed: string[], success: boolean, cost = 0.01, features: number[] = []): CascadeObservation => ({type: 'coding', model, failed, success, cost_usd: cost, features})

describe('cascade stats', () => {
  it('keeps first attempts apart from attempts after a failure, per failed model and per failed set', () => {
    const s = new MemoryCascadeStats()
    // Task 1: a fails, b fails, c succeeds. Task 2: a succeeds. Task 3: b fails, a succeeds.
    s.observe(obs('a', [], false))
    s.observe(obs('b', ['a'], false))
    s.observe(obs('c', ['a', 'b'], true, 0.05))
    s.observe(obs('a', [], true))
    s.observe(obs('b', [], false))
    s.observe(obs('a', ['b'], true))
    expect(s.position('coding', 'a', 'first')).toEqual({attempts: 2, successes: 1, cost_usd: 0.02})
    expect(s.position('coding', 'a', 'after')).toMatchObject({attempts: 1, successes: 1})
    expect(s.afterModel('coding', 'a', 'b')).toMatchObject({attempts: 1, successes: 1})
    expect(s.afterModel('coding', 'c', 'a')).toMatchObject({attempts: 1, successes: 1, cost_usd: 0.05})
    expect(s.afterModel('coding', 'c', 'b')).toMatchObject({attempts: 1, successes: 1})
    // The set is the same whatever the order it failed in.
    expect(s.afterSet('coding', 'c', ['b', 'a'])).toMatchObject({attempts: 1, successes: 1})
    expect(s.afterSet('coding', 'c', ['a'])).toMatchObject({attempts: 0})
    // Totals over every model and every type, for the priors.
    expect(s.position('coding', '*', 'first')).toMatchObject({attempts: 3, successes: 1})
    expect(s.position('coding', '*', 'after')).toMatchObject({attempts: 3, successes: 2})
    expect(s.position('*', 'a', 'first')).toMatchObject({attempts: 2})
    expect(s.position('analysis', 'a', 'first')).toEqual({attempts: 0, successes: 0, cost_usd: 0})
    expect(s.state.observations).toBe(6)
  })

  it('round-trips through JSON, and refuses a document it does not know', () => {
    const s = new MemoryCascadeStats()
    const features = taskFeatures('Write a python function that parses src/config.ts')
    for (let i = 0; i < 30; i++) {
      s.observe(obs('a', [], i % 3 === 0, 0.001, features))
      s.observe(obs('b', ['a'], i % 2 === 0, 0.002, features))
      s.observe(obs('c', ['a', 'b'], true, 0.01, features))
    }
    const json = cascadeStateToJson(s.state)
    const text = JSON.stringify(json)
    const back = new MemoryCascadeStats({state: cascadeStateFromJson(JSON.parse(text))})
    expect(cascadeStateToJson(back.state)).toEqual(json)
    expect(back.afterSet('coding', 'c', ['a', 'b'])).toMatchObject({attempts: 30, successes: 30})
    expect(back.afterSet('coding', 'c', ['a', 'b']).cost_usd).toBeCloseTo(0.3, 9)
    const weights = Array.from(s.textWeights)
    Array.from(back.textWeights).forEach((w, i) => expect(w).toBeCloseTo(weights[i] as number, 6))
    expect(Array.from(s.textWeights).some((w) => w !== 0)).toBe(true)
    // Nothing of the task's text is kept: hashed weights and counts only.
    expect(text).not.toMatch(/python|parses|config/)
    expect(() => cascadeStateFromJson({...json, version: 2 as 1})).toThrow(/version 2/)
    expect(() => cascadeStateFromJson({...json, text: {bits: 12, weights: [1, 2]}})).toThrow(/do not match/)
    expect(() => cascadeStateFromJson({...json, counts: {coding: {a: {first: [1, 1] as unknown as [number, number, number]}}}})).toThrow(/bad tally at coding\/a\/first/)
  })

  it('turns an attempt record into an observation with the store\'s success rule', () => {
    const record = {task_type: 'coding', model: 'b', success: true, approved: false, cost_usd: 0.003} as Pick<AttemptRecord, 'task_type' | 'model' | 'success' | 'approved' | 'cost_usd'>
    expect(observationFromAttempt(record, {failed_before: ['a'], features: [7]})).toEqual({type: 'coding', model: 'b', failed: ['a'], success: false, cost_usd: 0.003, features: [7]})
    expect(observationFromAttempt({...record, approved: undefined}, {failed_before: [], features: []}).success).toBe(true)
    expect(observationFromAttempt({...record, success: false, approved: undefined}, {failed_before: [], features: []}).success).toBe(false)
  })
})
