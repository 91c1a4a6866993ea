import {describe, expect, it} from 'vitest'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {createSeededRandom} from '../../src/core/router/seeded-random.js'
import {groupReasons, NoUsableModelError} from '../../src/core/router/routing-errors.js'
import {selectRoute, type SelectRouteOptions} from '../../src/core/router/select-route.js'
import {CtoError} from '../../src/core/errors.js'
import {MemoryCascadeStats} from '../../src/core/router/cascade-stats.js'
import {FLEET, model, observeMany, recordMany} from './helpers.js'

const base = (over: Partial<SelectRouteOptions> = {}): SelectRouteOptions => ({
  classification: {complexity: 'simple', type: 'coding'},
  ctoChoice: 'sonnet',
  models: FLEET,
  perf: new MemoryPerfStore(),
  random: createSeededRandom(7),
  // The router names no model: the protected list comes from the plugins (the Claude plugin's opus).
  protectedModels: ['opus'],
  ...over,
})
const external = FLEET.filter((m) => m.group === 'external').map((m) => m.name)

describe('selectRoute: phase 2 rules', () => {
  it('sends a simple task the CTO gave to a Claude model to an external model', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = selectRoute(base({random: createSeededRandom(seed)}))
      expect(d.rule).toBe('routine_to_external')
      expect(external).toContain(d.selected)
      expect(d.overridden).toBe(true)
      expect(d.override_reason).toMatch(/simple task the CTO gave to Claude model sonnet/)
    }
  })

  it('does the same for moderate tasks, but keeps complex tasks on a non-opus Claude model', () => {
    expect(selectRoute(base({classification: {complexity: 'moderate', type: 'analysis'}})).rule).toBe('routine_to_external')
    const d = selectRoute(base({classification: {complexity: 'complex', type: 'analysis'}}))
    expect(d).toMatchObject({selected: 'sonnet', overridden: false, rule: 'kept'})
  })

  it('only offers tool-capable models for bash_command, coding and deployment', () => {
    for (const type of ['bash_command', 'coding', 'deployment'] as const) {
      const d = selectRoute(base({classification: {complexity: 'simple', type}}))
      expect(d.candidates.map((c) => c.model).sort()).toEqual(['deepseek', 'minimax'])
    }
    const analysis = selectRoute(base({classification: {complexity: 'simple', type: 'analysis'}}))
    expect(analysis.candidates.map((c) => c.model).sort()).toEqual(['deepseek', 'glm', 'kimi', 'minimax'])
  })

  it('sends research tasks to research-only (text) models, whoever the CTO picked', () => {
    for (const ctoChoice of ['sonnet', 'deepseek']) {
      const d = selectRoute(base({ctoChoice, classification: {complexity: 'moderate', type: 'research'}}))
      expect(d.rule).toBe('research_only')
      expect(['kimi', 'glm']).toContain(d.selected)
      expect(d.candidates.map((c) => c.model).sort()).toEqual(['glm', 'kimi'])
    }
  })

  it('falls back to the external rule for research when no research-only model fits', () => {
    const models = FLEET.map((m) => (m.engine === 'text' ? {...m, enabled: false} : m))
    const d = selectRoute(base({models, classification: {complexity: 'simple', type: 'research'}}))
    expect(d.rule).toBe('routine_to_external')
    expect(['deepseek', 'minimax']).toContain(d.selected)
  })

  it('never overrides complex tasks on opus', () => {
    // The CLI passes the models that declare `protected` (the claude plugin's opus).
    const d = selectRoute(base({ctoChoice: 'opus', classification: {complexity: 'complex', type: 'research'}, protectedModels: ['opus']}))
    expect(d).toMatchObject({selected: 'opus', overridden: false, rule: 'complex_on_protected', candidates: []})
  })

  it('never overrides email tasks', () => {
    const d = selectRoute(base({classification: {complexity: 'simple', type: 'email'}}))
    expect(d).toMatchObject({selected: 'sonnet', overridden: false, rule: 'email'})
  })

  it('never overrides escalations', () => {
    const d = selectRoute(base({escalation: true}))
    expect(d).toMatchObject({selected: 'sonnet', overridden: false, rule: 'escalation'})
  })

  it('keeps the CTO choice when cost optimisation is off or the strategy is cto_choice', () => {
    expect(selectRoute(base({costOptimization: false}))).toMatchObject({selected: 'sonnet', rule: 'strategy_off'})
    expect(selectRoute(base({strategy: 'cto_choice'}))).toMatchObject({selected: 'sonnet', rule: 'strategy_off'})
  })

  it('keeps a CTO choice that is already external', () => {
    expect(selectRoute(base({ctoChoice: 'deepseek'}))).toMatchObject({selected: 'deepseek', overridden: false, rule: 'kept'})
  })
})

describe('selectRoute: models that cannot run', () => {
  it('never chooses a model without a key or a disabled one', () => {
    const models = FLEET.map((m) => (m.name === 'deepseek' ? {...m, hasKey: false} : m.name === 'minimax' ? {...m, enabled: false} : m))
    // Only tool-capable external models were deepseek and minimax: the routine rule has no pool,
    // so the (fitting) CTO choice stands.
    for (let seed = 0; seed < 30; seed++) {
      const d = selectRoute(base({models, random: createSeededRandom(seed)}))
      expect(d.selected).toBe('sonnet')
    }
    const noKeyCto = FLEET.map((m) => (m.name === 'sonnet' ? {...m, hasKey: false} : m))
    const d = selectRoute(base({models: noKeyCto, classification: {complexity: 'complex', type: 'coding'}}))
    expect(d.selected).not.toBe('sonnet')
    expect(d.rule).toBe('cto_choice_unusable')
    expect(d.override_reason).toMatch(/sonnet has no key/)
    expect(['haiku', 'opus']).toContain(d.selected)
  })

  it('sends a task to the other group when the CTO choice\'s group is over budget', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'sonnet', 'coding', 1, 1, {tokens: 150_000, group: 'claude'})
    const d = selectRoute(base({perf, budgets: {claude: 100_000, external: 1_000_000}, classification: {complexity: 'complex', type: 'coding'}}))
    expect(['deepseek', 'minimax']).toContain(d.selected)
    expect(d.override_reason).toMatch(/over its daily budget \(150000\/100000 tokens\)/)
    expect(d.budgets.find((b) => b.group === 'claude')).toMatchObject({over: true, tokens_today: 150_000})
  })

  it('routes a routine task to Claude when the external group is over budget, and refuses when both are', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'deepseek', 'coding', 1, 1, {tokens: 2_000_000})
    const d = selectRoute(base({perf, budgets: {external: 1_000_000}}))
    expect(d.selected).toBe('sonnet')
    recordMany(perf, 'sonnet', 'coding', 1, 1, {tokens: 200_000, group: 'claude'})
    let error: unknown
    try {
      selectRoute(base({perf, budgets: {external: 1_000_000, claude: 100_000}}))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(NoUsableModelError)
    expect(CtoError.isInstance(error) && error.code).toBe('NO_USABLE_MODEL')
    expect((error as Error).message).toMatch(/over its daily budget/)
    // The fix its reason calls for, and not the key advice (every model here has one).
    const actions = (error as CtoError).actions ?? []
    expect(actions.join('\n')).toMatch(/token_budget_per_day/)
    expect(actions.join('\n')).not.toMatch(/cto keys set/)
  })

  it('names models that fail for one reason together, each reason once', () => {
    const claude = `can't be used: the Claude Code CLI ("claude") is not on PATH`
    const reasons = [`haiku ${claude}`, `sonnet ${claude}`, 'deepseek has no key', 'gemini is disabled', 'glm has no key', "kimi's group external is over its daily budget (5/4 tokens)", "minimax's group external is over its daily budget (5/4 tokens)", 'opus is disabled']
    expect(groupReasons(reasons)).toEqual([
      `haiku, sonnet ${claude}`,
      'deepseek, glm have no key',
      'gemini, opus are disabled',
      // Possessive reasons read wrong joined; they stay one a model.
      "kimi's group external is over its daily budget (5/4 tokens)",
      "minimax's group external is over its daily budget (5/4 tokens)",
    ])
    const error = new NoUsableModelError('coding task', reasons)
    expect(error.message).toBe(`No model can take this coding task: ${groupReasons(reasons).join('; ')}.`)
    // The fixes still follow every reason.
    expect(error.actions?.join('\n')).toMatch(/cto keys set/)
    expect(error.actions?.join('\n')).toMatch(/token_budget_per_day/)
  })

  it('only counts today\'s tokens against the budget', () => {
    const perf = new MemoryPerfStore()
    recordMany(perf, 'sonnet', 'coding', 1, 1, {tokens: 500_000, group: 'claude', time: '2020-01-01T12:00:00Z'})
    const d = selectRoute(base({perf, budgets: {claude: 100_000}, classification: {complexity: 'complex', type: 'coding'}}))
    expect(d.selected).toBe('sonnet')
  })
})

describe('the learned plan', () => {
  it('learns as it routes: when the favourite\'s record falls, the cheaper model that looked worse gets tried again and takes over', () => {
    // Value of information (the default): no draws; what changes the choice is the store, as attempts land.
    const truth: Record<string, number> = {cheap: 0.8, mid: 0.75, dear: 0.9}
    const models = [model('cheap', {callCostUsd: 0.001}), model('mid', {callCostUsd: 0.003}), model('dear', {callCostUsd: 0.02}), model('sonnet', {group: 'claude'})]
    const run = (seed: number) => {
      const stats = new MemoryCascadeStats()
      // The record so far: the cheap model 2 of 5, the mid one 10 of 12 (luckier than it is).
      observeMany(stats, 'cheap', 'coding', 5, 2, {cost: 0.001})
      observeMany(stats, 'mid', 'coding', 12, 10, {cost: 0.003})
      const outcomes = createSeededRandom(seed)
      return Array.from({length: 300}, () => {
        const d = selectRoute(base({models, random: createSeededRandom(1), learned: {stats}}))
        stats.observe({type: 'coding', model: d.selected, failed: [], success: outcomes() < (truth[d.selected] as number), cost_usd: models.find((m) => m.name === d.selected)?.callCostUsd ?? 0, features: []})
        return d.selected
      })
    }
    const picks = run(3)
    expect(run(3)).toEqual(picks)
    const count = (xs: string[], m: string) => xs.filter((x) => x === m).length
    // The mid model starts; the cheap one is tried again once the mid one's record comes down ...
    expect(picks[0]).toBe('mid')
    expect(picks.indexOf('cheap')).toBeGreaterThan(10)
    // ... and then takes nearly every first attempt; the dear one (20 × the price) is never worth a try.
    expect(count(picks.slice(200), 'cheap')).toBeGreaterThanOrEqual(95)
    expect(count(picks, 'dear')).toBe(0)
    // The random source does not decide: another one gives the same choice for the same store.
    const stats = new MemoryCascadeStats()
    observeMany(stats, 'cheap', 'coding', 4, 2)
    const picked = new Set(Array.from({length: 10}, (_, seed) => selectRoute(base({models, random: createSeededRandom(seed), learned: {stats}})).selected))
    expect(picked.size).toBe(1)
  })

  it('with Thompson sampling (voiHorizon 0) is reproducible with a seed, and explores among models with no evidence', () => {
    const thompson = {stats: new MemoryCascadeStats(), params: {voiHorizon: 0}}
    const run = (seed: number) => Array.from({length: 50}, () => 0).map((_, i) => selectRoute(base({learned: thompson, random: createSeededRandom(seed * 1000 + i)})).selected)
    expect(run(3)).toEqual(run(3))
    const same = createSeededRandom(42)
    const again = createSeededRandom(42)
    const a = Array.from({length: 30}, () => selectRoute(base({learned: thompson, random: same, classification: {complexity: 'simple', type: 'analysis'}})).selected)
    const b = Array.from({length: 30}, () => selectRoute(base({learned: thompson, random: again, classification: {complexity: 'simple', type: 'analysis'}})).selected)
    expect(a).toEqual(b)
    expect(new Set(a).size).toBeGreaterThan(1)
  })

  it('with Thompson sampling gives nearly every single attempt to the cheap model that succeeds, once the evidence says so', () => {
    const stats = new MemoryCascadeStats()
    const models = [model('good-cheap', {callCostUsd: 0.001}), model('bad-cheap', {callCostUsd: 0.001}), model('good-dear', {callCostUsd: 0.02}), model('sonnet', {group: 'claude'})]
    const learned = {stats, params: {voiHorizon: 0}}
    const picks = (n: number) => {
      const random = createSeededRandom(5)
      const count: Record<string, number> = {}
      for (let i = 0; i < n; i++) {
        // One attempt only: with three, a weak cheap model first costs little more, as the good one follows.
        const d = selectRoute(base({models, random, learned, maxAttempts: 1}))
        count[d.selected] = (count[d.selected] ?? 0) + 1
      }
      return count
    }
    const before = picks(200)
    // Without evidence every external model gets first attempts.
    expect(Object.keys(before).sort()).toEqual(['bad-cheap', 'good-cheap', 'good-dear'])
    observeMany(stats, 'good-cheap', 'coding', 60, 54, {cost: 0.001})
    observeMany(stats, 'bad-cheap', 'coding', 60, 15, {cost: 0.001})
    observeMany(stats, 'good-dear', 'coding', 20, 18, {cost: 0.02})
    const after = picks(200)
    expect(after['good-cheap']).toBeGreaterThan(190)
    expect(after['bad-cheap'] ?? 0).toBeLessThan(5)
  })

  it('with Thompson sampling stops drawing for models with 100 attempts in the situation: the same evidence gives the same pick', () => {
    const stats = new MemoryCascadeStats()
    observeMany(stats, 'deepseek', 'coding', 150, 120)
    observeMany(stats, 'minimax', 'coding', 150, 117)
    const params = {voiHorizon: 0}
    const picks = new Set(Array.from({length: 20}, (_, seed) => selectRoute(base({learned: {stats, params}, random: createSeededRandom(seed)})).selected))
    expect(picks.size).toBe(1)
    // With fewer, the near-tie is explored both ways.
    const few = new MemoryCascadeStats()
    observeMany(few, 'deepseek', 'coding', 15, 12)
    observeMany(few, 'minimax', 'coding', 15, 12)
    const explored = new Set(Array.from({length: 20}, (_, seed) => selectRoute(base({learned: {stats: few, params}, random: createSeededRandom(seed)})).selected))
    expect(explored.size).toBe(2)
  })

  it('plans past the first attempt with every fitting model, Claude-group ones included', () => {
    const stats = new MemoryCascadeStats()
    observeMany(stats, 'deepseek', 'coding', 40, 20)
    // After deepseek fails, sonnet is the one that succeeds.
    observeMany(stats, 'sonnet', 'coding', 20, 18, {failed: ['deepseek'], cost: 0.003})
    observeMany(stats, 'minimax', 'coding', 20, 2, {failed: ['deepseek']})
    for (let seed = 1; seed <= 10; seed++) {
      const d = selectRoute(base({learned: {stats}, random: createSeededRandom(seed)}))
      expect(d.rule).toBe('routine_to_external')
      // The first attempt stays external (routine work), the plan's next step is the Claude model.
      expect(d.candidates.map((c) => c.model).sort()).toEqual(['deepseek', 'minimax'])
      expect(d.plan?.steps[0]).toBe(d.selected)
      expect(d.plan?.steps).toContain('sonnet')
      expect(d.plan?.expected_accuracy).toBeGreaterThan(0.9)
    }
  })

  it('says what follows when the CTO choice stands', () => {
    const d = selectRoute(base({ctoChoice: 'opus', classification: {complexity: 'complex', type: 'coding'}}))
    expect(d).toMatchObject({selected: 'opus', rule: 'complex_on_protected', candidates: []})
    expect(d.plan?.steps[0]).toBe('opus')
    expect(d.plan?.steps).toHaveLength(3)
    expect(d.plan?.sampled).toBe(false)
  })
})
