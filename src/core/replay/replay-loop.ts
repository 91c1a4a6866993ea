/**
 * One RouterBench row through the task loop `cto task` runs (src/core/task/task-run.ts): the replay
 * drives the same TaskRun — classify, route, attempt, review, escalate, record, learn — with a
 * scripted engine in place of the models:
 *
 *   the CTO   answers the classification with the row's task type (from eval_name, or the heuristic),
 *             the heuristic's complexity and the replay's fixed pick of a worker; answers a review with
 *             the row's recorded score (perfect review), or its opposite with chance p (noisy:p).
 *             Its tokens are counted from the real prompts TaskRun builds (⌈characters / 4⌉,
 *             cto-pricing.ts) at the CTO model's blended rate, so the CTO's cost is TaskRun's own.
 *   a worker  answers with its recorded score on the row (no score: an engine failure), at its
 *             recorded cost; RouterBench keeps no answers, so the answer text is a stand-in of
 *             ANSWER_TOKENS tokens (the review prompt is as long as a real one would be).
 *
 * Everything that decides is TaskRun's and the router's: a change to the loop changes the replay.
 */
import {DEFAULT_CONNECT_TIMEOUT_SECONDS, DEFAULT_TEAM_SCHEMA} from '../store/store-settings.js'
import type {EffectiveConfig} from '../config/effective.js'
import {REVIEW_DEFAULTS} from '../config/review-settings.js'
import type {EngineRequest, EngineResult} from '../engines/types.js'
import type {Complexity, ModelGroup, TaskType} from '../providers/spec.js'
import type {ResolvedModel} from '../providers/resolve.js'
import type {PlanParams} from '../router/cascade-plan.js'
import type {CascadeStatsReader, CascadeStatsWriter} from '../router/cascade-stats.js'
import {classifyTask} from '../router/heuristic-classifier.js'
import type {RandomSource} from '../router/seeded-random.js'
import type {AttemptRecord, PerfReader} from '../store/types.js'
import {CLASSIFY_SYSTEM} from '../task/cto-prompts.js'
import {TaskRun} from '../task/task-run.js'
import {ANSWER_TOKENS, CHARS_PER_TOKEN, estimateTokens, type CtoPricing} from './cto-pricing.js'
import type {AttemptRecorder} from './memory-perf-store.js'
import type {ReplayModel, ReviewMode} from './replay-types.js'
import type {BenchRow} from './routerbench-file.js'
import {taskTypeFor, type TypeSource} from './task-type-map.js'

const ANSWER_TEXT = 'x'.repeat(ANSWER_TOKENS * CHARS_PER_TOKEN)
const NO_BUDGET = Number.MAX_SAFE_INTEGER
const EMPTY_USAGE = {input_tokens: 0, output_tokens: 0}

export interface ReplayLoopContext {
  /** The replay's models as the loop sees them (replayModels()). */
  models: ResolvedModel[]
  config: EffectiveConfig
  /** The replay's stand-in for the CTO's pick of a worker. */
  ctoChoice: string
  cto: CtoPricing
  perf: PerfReader & AttemptRecorder
  learned: CascadeStatsReader & CascadeStatsWriter
  plan?: Partial<PlanParams>
  chainEvidence?: number
  /** Routing draws. */
  random: RandomSource
  /** Review noise. */
  reviewRandom: RandomSource
  review: ReviewMode
  types: TypeSource
  complexity?: 'heuristic' | Complexity
  maxAttempts?: number
  /** Time of the next record (ms), advanced by the replay. */
  tick: () => number
}

export interface RowOutcome {
  row: BenchRow
  type: TaskType
  complexity: Complexity
  correct: boolean
  cost: number
  ctoCost: number
  ctoCalls: number
  calls: string[]
  blocked: boolean
  overridden: boolean
  wrongApproved: number
  rightRejected: number
}

/**
 * The replay's models as resolved models: every one enabled, "keyed", tool-capable, on the
 * `openai-tools` engine, priced so that the router's nominal call (1,500 tokens in, 500 out) costs
 * its mean recorded call — the price list it uses until the store has recorded costs.
 */
export function replayModels(models: readonly ReplayModel[]): ResolvedModel[] {
  return models.map((m) => {
    const perMTok = (m.call_cost_usd / 2000) * 1e6
    return {
      name: m.name,
      provider: 'routerbench',
      plugin: 'replay',
      pluginType: 'core',
      providerName: 'routerbench',
      specificationVersion: 'v2',
      engine: 'openai-tools',
      group: m.group as ModelGroup,
      modelId: m.name,
      needsKey: false,
      supportsTools: true,
      contextWindow: 128_000,
      pricing: {inputPerMTok: perMTok, outputPerMTok: perMTok},
      goodFor: [],
      description: 'a RouterBench model',
      enabledByDefault: true,
      enabled: true,
      apiKey: 'replay',
      keySource: {kind: 'none'},
    }
  })
}

/** The loop's config for a replay: cost optimisation on, no budgets, the given chains and CTO. */
export function replayConfig(models: readonly ResolvedModel[], ctoModel: string, fallbackChains: Record<string, string[]> = {}): EffectiveConfig {
  return {
    cto_model: ctoModel,
    model_selection_strategy: 'cost_aware',
    models: Object.fromEntries(models.map((m) => [m.name, {enabled: true, group: m.group, known: true}])),
    fallback_chain: fallbackChains,
    cost_optimization: {enabled: true, prefer_external_for_routine: true, preserve_claude_tokens: true, token_budget_per_day: {claude: NO_BUDGET, external: NO_BUDGET}},
    provider_endpoints: {},
    providers: {},
    engines: {max_turns: 1, request_timeout_seconds: 120, attempt_timeout_seconds: 1800, max_retries: 0, claude_permission_mode: 'acceptEdits'},
    tools: {},
    review: {...REVIEW_DEFAULTS, verify: null, copy_ignored: [], in_place: true},
    store: {schema: DEFAULT_TEAM_SCHEMA, connect_timeout_seconds: DEFAULT_CONNECT_TIMEOUT_SECONDS},
  }
}

function ctoResult(p: CtoPricing, request: EngineRequest, reply: string): EngineResult {
  const input = estimateTokens(request.system ?? '') + estimateTokens(request.prompt)
  const output = estimateTokens(reply)
  return {ok: true, text: reply, usage: {input_tokens: input, output_tokens: output}, cost_usd: (input + output) * p.usd_per_token, duration_ms: 0, turns: 1, tool_calls: []}
}

export async function replayRow(row: BenchRow, ctx: ReplayLoopContext): Promise<RowOutcome> {
  const type = taskTypeFor(row.evalName, row.prompt, ctx.types)
  const complexity = ctx.complexity === undefined || ctx.complexity === 'heuristic' ? classifyTask(row.prompt).complexity : ctx.complexity
  const outcome: RowOutcome = {row, type, complexity, correct: false, cost: 0, ctoCost: 0, ctoCalls: 0, calls: [], blocked: false, overridden: false, wrongApproved: 0, rightRejected: 0}
  let lastScore: number | undefined
  const runEngine = async (request: EngineRequest): Promise<EngineResult> => {
    if (request.responseFormat === 'json' && request.model.name === ctx.config.cto_model && request.system !== undefined) {
      if (request.system === CLASSIFY_SYSTEM) {
        return ctoResult(ctx.cto, request, JSON.stringify({complexity, type, model: ctx.ctoChoice, reason: 'the replay: type from the benchmark, complexity from the heuristic'}))
      }
      const right = lastScore === 1
      const approved = ctx.review.kind === 'perfect' || ctx.reviewRandom() >= ctx.review.p ? right : !right
      if (approved && !right) outcome.wrongApproved += 1
      if (!approved && right) outcome.rightRejected += 1
      return ctoResult(ctx.cto, request, JSON.stringify({approved, quality: approved ? 8 : 3, feedback: approved ? 'correct' : 'not correct'}))
    }
    const model = request.model.name
    lastScore = row.scores[model]
    const cost = row.costs[model] ?? 0
    if (lastScore === undefined) {
      return {ok: false, text: '', error: {code: 'no_result', message: `${model} has no result on this row`, retryable: false}, usage: EMPTY_USAGE, cost_usd: cost, duration_ms: 0, turns: 0, tool_calls: []}
    }
    return {ok: true, text: ANSWER_TEXT, usage: EMPTY_USAGE, cost_usd: cost, duration_ms: 0, turns: 1, tool_calls: []}
  }
  const record = async (attempt: AttemptRecord) => ctx.perf.record(attempt)
  const run = new TaskRun({
    id: `${row.file}:${row.sampleId}:${row.line}`,
    task: row.prompt,
    config: ctx.config,
    models: ctx.models,
    perf: ctx.perf,
    runEngine,
    record,
    learned: ctx.learned,
    routing: {plan: ctx.plan, chainEvidence: ctx.chainEvidence},
    random: ctx.random,
    now: ctx.tick,
    workspace: '/nonexistent/replay',
    flags: {maxAttempts: ctx.maxAttempts},
  })
  await run.classify()
  run.route()
  outcome.overridden = run.decision?.overridden ?? false
  while (run.pending) await run.attempt()
  const r = run.result()
  outcome.calls = r.attempts.map((a) => a.model)
  outcome.cost = r.attempts.reduce((s, a) => s + a.cost_usd, 0)
  outcome.ctoCost = r.cto.cost_usd
  outcome.ctoCalls = r.cto.calls
  outcome.blocked = r.status === 'blocked'
  const last = r.attempts.at(-1)
  outcome.correct = r.status === 'completed' && last !== undefined && row.scores[last.model] === 1
  return outcome
}
