/**
 * The task loop with team budgets (TaskRun.admit): each attempt asks the store's BudgetGate before
 * it runs; a refusal makes the group count as over budget and the model is picked again. The gate
 * here is a small in-memory one (the real one, on PostgreSQL, is tested in test/store/pg-*.test.ts).
 */
import {REVIEW_DEFAULTS} from '../../src/core/config/review-settings.js'
import {describe, expect, it} from 'vitest'
import type {EffectiveConfig} from '../../src/core/config/effective.js'
import {testModel} from '../support/test-model.js'
import type {ResolvedModel} from '../../src/core/providers/resolve.js'
import {createSeededRandom} from '../../src/core/router/seeded-random.js'
import {emptyStats} from '../../src/core/store/aggregates.js'
import type {AttemptRecord, BudgetGate} from '../../src/core/store/types.js'
import {TaskRun} from '../../src/core/task/task-run.js'

const model = (name: string, group: 'claude' | 'external'): ResolvedModel =>
  testModel({
    name,
    provider: name,
    plugin: `@cto-cli/provider-${name}`,
    pluginType: 'core',
    providerName: name,
    engine: group === 'claude' ? 'claude-cli' : 'openai-tools',
    group,
    modelId: name,
    needsKey: false,
    contextWindow: 200_000,
    pricing: {inputPerMTok: 1, outputPerMTok: 2},
    description: name,
    apiKey: undefined,
    keySource: {kind: 'none'},
  })

const config = {
  cto_model: 'opus',
  model_selection_strategy: 'cost_aware',
  models: {},
  fallback_chain: {opus: ['sonnet']},
  cost_optimization: {enabled: true, prefer_external_for_routine: true, preserve_claude_tokens: true, token_budget_per_day: {claude: 5000, external: 9000}},
  provider_endpoints: {},
  providers: {},
  engines: {max_turns: 5, request_timeout_seconds: 10, attempt_timeout_seconds: 60, max_retries: 0, claude_permission_mode: 'acceptEdits'},
  tools: {},
  store: {schema: 'cto', connect_timeout_seconds: 5},
  review: {...REVIEW_DEFAULTS, verify: null, in_place: true},
} satisfies EffectiveConfig

type ModelGroupBudgetRequest = Parameters<BudgetGate['admit']>[0]

/** A gate that refuses the groups named, and remembers what it was asked. */
function gate(refuse: Array<'claude' | 'external'>): BudgetGate & {asked: ModelGroupBudgetRequest[]} {
  const asked: ModelGroupBudgetRequest[] = []
  return {
    asked,
    async admit(req) {
      asked.push(req)
      return refuse.includes(req.group) ? {ok: false, used: req.cap} : {ok: true, used: 0}
    },
  }
}

function task(budget: BudgetGate | undefined, opts: {ok?: boolean; flags?: Record<string, unknown>} = {}) {
  const recorded: AttemptRecord[] = []
  const run = new TaskRun({
    task: 'refactor the parser',
    config,
    models: [model('opus', 'claude'), model('sonnet', 'claude'), model('deepseek', 'external')],
    perf: {stats: () => emptyStats(), tokensToday: () => 0},
    budget,
    user: 'alice@laptop',
    record: async (a) => {
      recorded.push(a)
    },
    random: createSeededRandom(1),
    workspace: process.cwd(),
    flags: {type: 'coding', complexity: 'complex', review: false, ...opts.flags},
    runEngine: async () => ({ok: opts.ok ?? true, text: 'done', usage: {input_tokens: 700, output_tokens: 300}, cost_usd: 0.01, duration_ms: 5, turns: 1, tool_calls: []}),
  })
  return {run, recorded}
}

describe('team budgets in the task loop', () => {
  it('the team used the claude budget up: opus is refused before it runs, the task goes to an external model; the record carries the attempt id and who ran it', async () => {
    const g = gate(['claude'])
    const {run, recorded} = task(g)
    await run.classify()
    expect(run.route().selected).toBe('opus')
    const a = await run.attempt()
    expect(a?.model).toBe('deepseek')
    expect(g.asked.map((r) => [r.group, r.cap, r.tokens])).toEqual([
      ['claude', 5000, 2000],
      ['external', 9000, 2000],
    ])
    expect(g.asked[0].id).toBe(g.asked[1].id)
    expect(recorded).toHaveLength(1)
    expect(recorded[0]).toMatchObject({model: 'deepseek', attempt_id: g.asked[0].id, user: 'alice@laptop'})
    expect(run.notes.join('\n')).toMatch(/The team used up the claude group's daily budget \(5000\/5000 tokens\) before opus could start: picked again\./)
  })

  it('an escalation the team budget refuses blocks the task instead of running over the cap', async () => {
    const g = gate([])
    const {run} = task(g, {ok: false})
    await run.classify()
    run.route()
    expect((await run.attempt())?.model).toBe('opus')
    g.asked.length = 0
    const refusing = gate(['claude', 'external'])
    ;(run as unknown as {opts: {budget: BudgetGate}}).opts.budget = refusing
    expect(await run.attempt()).toBeUndefined()
    expect(run.status).toBe('blocked')
    expect(run.attempts).toHaveLength(1)
    expect(refusing.asked.map((r) => r.group)).toEqual(['claude', 'external'])
  })

  it('nothing fits any more at the first pick: no usable model (exit 1), nothing run', async () => {
    const {run, recorded} = task(gate(['claude', 'external']))
    await run.classify()
    run.route()
    await expect(run.attempt()).rejects.toMatchObject({code: 'NO_USABLE_MODEL'})
    expect(recorded).toHaveLength(0)
  })

  it('--model skips the team budget, as it skips every routing rule', async () => {
    const g = gate(['claude', 'external'])
    const {run, recorded} = task(g, {flags: {model: 'opus'}})
    await run.classify()
    run.route()
    expect((await run.attempt())?.model).toBe('opus')
    expect(g.asked).toEqual([])
    expect(recorded).toHaveLength(1)
  })
})
