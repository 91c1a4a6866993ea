import {describe, expect, it} from 'vitest'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {nextEscalation, type EscalationOptions} from '../../src/core/router/escalation.js'
import {FLEET, model, recordMany} from './helpers.js'

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
    expect(d).toMatchObject({kind: 'escalate', model: 'minimax', source: 'store'})
  })

  it('blocks after 3 failed attempts', () => {
    const d = nextEscalation(base({failedModel: 'opus', tried: ['haiku', 'sonnet', 'opus'], failedAttempts: 3}))
    expect(d.kind).toBe('blocked')
    expect(d.kind === 'blocked' && d.reason).toMatch(/3 failed attempts/)
  })

  it('blocks when no untried model can run', () => {
    const models = [model('solo')]
    expect(nextEscalation(base({failedModel: 'solo', tried: ['solo'], models, fallbackChains: {}})).kind).toBe('blocked')
  })
})

describe('nextEscalation: store-informed, where no chain is configured', () => {
  const models = [model('a', {callCostUsd: 0.001}), model('b', {callCostUsd: 0.002}), model('c', {callCostUsd: 0.01}), model('d', {callCostUsd: 0.0005})]

  it('picks the untried model with the best recorded success for the task type', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'b', 'coding', 40, 20, {cost: 0.002})
    recordMany(perf, 'c', 'coding', 40, 38, {cost: 0.01})
    recordMany(perf, 'd', 'coding', 40, 8, {cost: 0.0005})
    // Other task types don't count.
    recordMany(perf, 'd', 'analysis', 100, 100, {cost: 0.0005})
    const d = nextEscalation(base({failedModel: 'a', tried: ['a'], models, perf, fallbackChains: {}}))
    expect(d).toMatchObject({kind: 'escalate', model: 'c', source: 'store'})
    expect(d.kind === 'escalate' && d.reason).toMatch(/no fallback chain for a: best recorded success for coding/)
    expect(d.kind === 'escalate' && d.ranking?.map((r) => r.model)).toEqual(['c', 'b', 'd'])
  })

  it('takes the cheaper model at equal success (within the tolerance)', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'b', 'coding', 50, 40, {cost: 0.002})
    recordMany(perf, 'c', 'coding', 50, 42, {cost: 0.01})
    const strict = nextEscalation(base({failedModel: 'a', tried: ['a'], models, perf, fallbackChains: {}, successTolerance: 0}))
    expect(strict).toMatchObject({model: 'c'})
    const equal = nextEscalation(base({failedModel: 'a', tried: ['a'], models, perf, fallbackChains: {}, successTolerance: 0.05}))
    expect(equal).toMatchObject({model: 'b'})
    // Exactly equal records: cheaper first, even with no tolerance.
    const tie = new MemoryPerfStore()
    recordMany(tie, 'b', 'coding', 10, 9, {cost: 0.002})
    recordMany(tie, 'c', 'coding', 10, 9, {cost: 0.01})
    recordMany(tie, 'd', 'coding', 10, 1, {cost: 0.0005})
    expect(nextEscalation(base({failedModel: 'a', tried: ['a'], models, perf: tie, fallbackChains: {}, successTolerance: 0}))).toMatchObject({model: 'b'})
  })

  it('uses the last-attempt tolerance for the last try', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'b', 'coding', 50, 40, {cost: 0.002})
    recordMany(perf, 'c', 'coding', 50, 45, {cost: 0.01})
    const opts = {models, perf, fallbackChains: {}, successTolerance: 0.2, lastAttemptTolerance: 0}
    expect(nextEscalation(base({...opts, failedModel: 'a', tried: ['a'], failedAttempts: 1}))).toMatchObject({model: 'b'})
    expect(nextEscalation(base({...opts, failedModel: 'd', tried: ['a', 'd'], failedAttempts: 2}))).toMatchObject({model: 'c'})
  })

  it('falls back to the store when the default chain names models that do not exist', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'b', 'coding', 20, 18)
    expect(nextEscalation(base({failedModel: 'a', tried: ['a'], models, perf}))).toMatchObject({model: 'b', source: 'store'})
    expect(nextEscalation(base({failedModel: 'a', tried: ['a'], models, perf})).kind === 'escalate').toBe(true)
  })
})
