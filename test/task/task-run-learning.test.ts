/**
 * `cto task`'s loop teaches the router and follows what it learned: every recorded attempt is an
 * observation (its position and the models that failed before it), and an escalation follows the
 * learned plan once the store has evidence, the configured chain before that. In process, with a
 * scripted engine and review (no servers).
 */
import {describe, expect, it} from 'vitest'
import {resolveConfig} from '../../src/core/config/effective.js'
import type {EngineRequest, EngineResult} from '../../src/core/engines/types.js'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {MemoryCascadeStats} from '../../src/core/router/cascade-stats.js'
import {randomFromSeed} from '../../src/core/router/seeded-random.js'
import {TaskRun} from '../../src/core/task/task-run.js'
import type {AttemptRecord} from '../../src/core/store/types.js'
import {testModel} from '../support/test-model.js'
import {observeMany} from '../router/helpers.js'

const models = ['alpha', 'beta', 'gamma'].map((name) => testModel({name}))
const catalog = {models, plugins: [], broken: [], notices: []}
const config = resolveConfig([{kind: 'user', source: 'test', data: {cto_model: 'alpha', fallback_chain: {alpha: ['beta', 'gamma'], beta: ['gamma']}}} as never], catalog as never, {}).config

/** Runs one task: `approves` says which workers' answers the CTO approves. */
async function runTask(learned: MemoryCascadeStats, approves: string[]) {
  const records: AttemptRecord[] = []
  const perf = new MemoryPerfStore()
  const engine = async (req: EngineRequest): Promise<EngineResult> => {
    const base = {usage: {input_tokens: 10, output_tokens: 5}, cost_usd: 0.001, duration_ms: 1, turns: 1, tool_calls: []}
    if (req.system?.startsWith('You are the CTO reviewing')) {
      const worker = /Worker (\w+) answered/.exec(req.prompt)?.[1] ?? ''
      return {...base, ok: true, text: JSON.stringify({approved: approves.includes(worker), quality: 5, feedback: 'verdict'})}
    }
    return {...base, ok: true, text: `answer of ${req.model.name}`}
  }
  const t = new TaskRun({
    task: 'fix the failing test in src/parser.ts',
    config,
    models,
    perf,
    learned,
    runEngine: engine,
    record: async (a) => {
      records.push(a)
      await perf.record(a)
    },
    random: randomFromSeed(1),
    workspace: '/project',
    flags: {model: 'alpha', type: 'coding', complexity: 'moderate'},
  })
  await t.classify()
  t.route()
  while (t.pending) await t.attempt()
  return {result: t.result(), records}
}

describe('cto task and the learned router', () => {
  it('observes every recorded attempt with its position and what failed before it', async () => {
    const learned = new MemoryCascadeStats()
    const {result, records} = await runTask(learned, ['gamma'])
    expect(result.attempts.map((a) => a.model)).toEqual(['alpha', 'beta', 'gamma'])
    expect(records.map((r) => r.escalation_step)).toEqual([0, 1, 2])
    expect(learned.position('coding', 'alpha', 'first')).toMatchObject({attempts: 1, successes: 0})
    expect(learned.afterModel('coding', 'beta', 'alpha')).toMatchObject({attempts: 1, successes: 0})
    expect(learned.afterSet('coding', 'gamma', ['alpha', 'beta'])).toMatchObject({attempts: 1, successes: 1})
    expect(learned.state.observations).toBe(3)
    // The chain decided (the store has no evidence yet), and said why.
    expect(result.attempts[1]?.chosen_because).toMatch(/fallback chain of alpha: beta → gamma \(the store has 0 of the 20 coding escalations/)
  })

  it('escalates along the learned plan, not the chain, once the store has evidence', async () => {
    const learned = new MemoryCascadeStats()
    // After alpha fails, beta never fixes it and gamma nearly always does.
    observeMany(learned, 'beta', 'coding', 15, 0, {failed: ['alpha']})
    observeMany(learned, 'gamma', 'coding', 15, 14, {failed: ['alpha']})
    const {result} = await runTask(learned, ['gamma'])
    expect(result.attempts.map((a) => a.model)).toEqual(['alpha', 'gamma'])
    expect(result.attempts[1]?.chosen_because).toMatch(/escalation: the store has 30 coding escalations, enough to plan past the chain: learned plan gamma/)
    expect(result.status).toBe('completed')
  })
})
