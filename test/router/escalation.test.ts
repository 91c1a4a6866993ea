import {describe, expect, it} from 'vitest'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {nextEscalation, type EscalationOptions} from '../../src/core/router/escalation.js'
import {MemoryCascadeStats} from '../../src/core/router/cascade-stats.js'
import {createSeededRandom} from '../../src/core/router/seeded-random.js'
import {FLEET, model, observeMany, recordMany} from './helpers.js'

// The chains the CLI passes in: the defaults the claude plugin's escalatesTo declarations give (test/core/catalog-policy.test.ts).
const CHAINS = {haiku: ['sonnet', 'opus'], sonnet: ['opus'], external: ['sonnet', 'opus']}

const base = (over: Partial<EscalationOptions>): EscalationOptions => ({
  failedModel: 'haiku',
  fallbackChains: CHAINS,
  tried: ['haiku'],
  failedAttempts: 1,
  type: 'coding',
  models: FLEET,
  perf: new MemoryPerfStore(),
  ...over,
})

describe('nextEscalation: fallback chains', () => {
  it('follows the chains it is given: haiku → sonnet → opus, sonnet → opus, external → sonnet → opus', () => {
    expect(nextEscalation(base({}))).toMatchObject({kind: 'escalate', model: 'sonnet', source: 'chain'})
    expect(nextEscalation(base({failedModel: 'sonnet', tried: ['haiku', 'sonnet'], failedAttempts: 2}))).toMatchObject({model: 'opus', source: 'chain'})
    expect(nextEscalation(base({failedModel: 'deepseek', tried: ['deepseek']}))).toMatchObject({model: 'sonnet', source: 'chain'})
    expect(nextEscalation(base({failedModel: 'sonnet', tried: ['deepseek', 'sonnet'], failedAttempts: 2}))).toMatchObject({model: 'opus'})
  })

  it('follows a configured chain and skips steps that are tried or cannot run', () => {
    const chains = {deepseek: ['minimax', 'kimi', 'opus']}
    expect(nextEscalation(base({failedModel: 'deepseek', tried: ['deepseek'], fallbackChains: chains}))).toMatchObject({model: 'minimax', source: 'chain'})
    // minimax tried; kimi can't call tools (coding): opus.
    expect(nextEscalation(base({failedModel: 'deepseek', tried: ['minimax', 'deepseek'], failedAttempts: 2, fallbackChains: chains}))).toMatchObject({model: 'opus'})
    const noKey = FLEET.map((m) => (m.name === 'sonnet' ? {...m, hasKey: false} : m))
    expect(nextEscalation(base({models: noKey}))).toMatchObject({model: 'opus', source: 'chain'})
  })

  it('skips a chain step whose group is over budget', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'opus', 'coding', 1, 1, {tokens: 500_000, group: 'claude'})
    const d = nextEscalation(base({failedModel: 'deepseek', tried: ['deepseek'], perf, budgets: {claude: 100_000}}))
    // Neither sonnet nor opus can run: the plan picks among the external models that can.
    expect(d).toMatchObject({kind: 'escalate', source: 'learned'})
    expect(d.kind === 'escalate' && ['minimax'].includes(d.model)).toBe(true)
  })

  it('blocks after 3 failed attempts', () => {
    const d = nextEscalation(base({failedModel: 'opus', tried: ['haiku', 'sonnet', 'opus'], failedAttempts: 3}))
    expect(d.kind).toBe('blocked')
    expect(d.kind === 'blocked' && d.reason).toBe('3 attempts failed, the most one task makes')
  })

  it('blocks when no untried model can run', () => {
    const models = [model('solo')]
    expect(nextEscalation(base({failedModel: 'solo', tried: ['solo'], models, fallbackChains: {}})).kind).toBe('blocked')
  })
})

describe('nextEscalation: the learned plan, where no chain is configured or the store has evidence', () => {
  const models = [model('a', {callCostUsd: 0.001}), model('b', {callCostUsd: 0.002}), model('c', {callCostUsd: 0.01}), model('d', {callCostUsd: 0.0005})]

  it('picks the model that succeeds after this failure, not the one with the best record overall', () => {
    const stats = new MemoryCascadeStats()
    // First attempts: b is good, c mediocre.
    observeMany(stats, 'b', 'coding', 40, 36, {cost: 0.002})
    observeMany(stats, 'c', 'coding', 40, 20, {cost: 0.01})
    // But after a failed, b fails too (same blind spot) and c succeeds.
    observeMany(stats, 'b', 'coding', 30, 3, {failed: ['a'], cost: 0.002})
    observeMany(stats, 'c', 'coding', 30, 27, {failed: ['a'], cost: 0.01})
    // The last attempt (limit 2): it goes to the model most likely to fix it, worth its price.
    const d = nextEscalation(base({failedModel: 'a', tried: ['a'], models, fallbackChains: {}, learned: {stats}, maxAttempts: 2}))
    expect(d).toMatchObject({kind: 'escalate', model: 'c', source: 'learned'})
    expect(d.kind === 'escalate' && d.reason).toMatch(/no fallback chain for a: learned plan c \(/)
    expect(d.kind === 'escalate' && d.reason).toMatch(/c (8\d|90)% after a failed, over 30 such attempts/)
    expect(d.kind === 'escalate' && d.plan?.candidates[0]?.model).toBe('c')
  })

  it('judges by what failed: after b failed, the answer differs', () => {
    const stats = new MemoryCascadeStats()
    observeMany(stats, 'c', 'coding', 30, 3, {failed: ['b']})
    observeMany(stats, 'd', 'coding', 30, 27, {failed: ['b']})
    observeMany(stats, 'c', 'coding', 30, 27, {failed: ['a']})
    observeMany(stats, 'd', 'coding', 30, 3, {failed: ['a']})
    const afterA = nextEscalation(base({failedModel: 'a', tried: ['a'], models, fallbackChains: {}, learned: {stats}}))
    const afterB = nextEscalation(base({failedModel: 'b', tried: ['b'], models, fallbackChains: {}, learned: {stats}}))
    expect(afterA).toMatchObject({model: 'c'})
    expect(afterB).toMatchObject({model: 'd'})
  })

  it('keeps a configured chain until the store holds enough escalations of the type, then plans past it', () => {
    const stats = new MemoryCascadeStats()
    const chains = {deepseek: ['minimax', 'opus']}
    // minimax never fixes what deepseek got wrong; sonnet does.
    observeMany(stats, 'minimax', 'coding', 10, 0, {failed: ['deepseek']})
    observeMany(stats, 'sonnet', 'coding', 9, 9, {failed: ['deepseek'], cost: 0.003})
    const few = nextEscalation(base({failedModel: 'deepseek', tried: ['deepseek'], fallbackChains: chains, learned: {stats}}))
    expect(few).toMatchObject({model: 'minimax', source: 'chain'})
    expect(few.kind === 'escalate' && few.reason).toMatch(/the store has 19 of the 20 coding escalations it needs/)
    observeMany(stats, 'sonnet', 'coding', 1, 1, {failed: ['deepseek'], cost: 0.003})
    const enough = nextEscalation(base({failedModel: 'deepseek', tried: ['deepseek'], fallbackChains: chains, learned: {stats}}))
    expect(enough).toMatchObject({model: 'sonnet', source: 'learned'})
    expect(enough.kind === 'escalate' && enough.reason).toMatch(/the store has 20 coding escalations, enough to plan past the chain/)
    // Other types still follow the chain.
    expect(nextEscalation(base({failedModel: 'deepseek', tried: ['deepseek'], fallbackChains: chains, learned: {stats}, type: 'analysis'}))).toMatchObject({model: 'minimax', source: 'chain'})
  })

  it('is reproducible with a seed when it draws (Thompson sampling, voiHorizon 0)', () => {
    const stats = new MemoryCascadeStats()
    const draw = (seed: number) => {
      const random = createSeededRandom(seed)
      return Array.from({length: 20}, () => {
        const d = nextEscalation(base({failedModel: 'a', tried: ['a'], models, fallbackChains: {}, learned: {stats, params: {voiHorizon: 0}}, random}))
        return d.kind === 'escalate' ? d.model : 'blocked'
      })
    }
    expect(draw(4)).toEqual(draw(4))
    // No evidence at all: the draws explore more than one model.
    expect(new Set(draw(4)).size).toBeGreaterThan(1)
  })

  it('falls back to the plan when the default chain names models that do not exist', () => {
    const d = nextEscalation(base({failedModel: 'a', tried: ['a'], models}))
    expect(d).toMatchObject({kind: 'escalate', source: 'learned'})
    expect(d.kind === 'escalate' && d.reason).toMatch(/no step of a's chain \(sonnet → opus\) can run/)
  })
})
