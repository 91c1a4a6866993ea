/**
 * `cto bench replay`: runs the real router over recorded outcomes of RouterBench models.
 *
 * Replay configuration (isolated: no network, no user config):
 * - every model of the files is a replay model: enabled, with a "key", tool-capable (RouterBench
 *   answers are plain text, but coding rows must be routable), engine `openai-tools`, group `claude`
 *   for claude-* (they are Anthropic models and would share the Claude budget), `external` otherwise.
 *   Its price-list entry (used only until the store has recorded a cost) is its mean cost over the
 *   first 20 rows of the files.
 * - the CTO: no model is called. The task type comes from `eval_name` (or the heuristic classifier),
 *   the complexity from the heuristic classifier, and the CTO's pick is a fixed model (default the
 *   dearest Claude-group model, a cautious CTO). Phase 2 (selectRoute) then overrides it exactly as
 *   in `cto task`; no budgets are set.
 * - a worker's answer is the model's score on the row (empty score = engine failure); review is
 *   perfect (approve a 1) or noisy:p (the verdict flips with probability p); a rejection escalates
 *   with nextEscalation, blocked after 3 failed attempts (the row then counts as wrong); every
 *   attempt is recorded in the store the router reads, and every call's cost counts.
 * - `always:<model>`, `random` and `oracle` are reference policies: one call, its answer final.
 */
import type {Complexity, TaskType} from '../providers/spec.js'
import {nextEscalation} from '../router/escalation.js'
import {classifyTask} from '../router/heuristic-classifier.js'
import type {RouteModel} from '../router/route-model.js'
import {type RandomSource, createSeededRandom, shuffled} from '../router/seeded-random.js'
import {selectRoute} from '../router/weighted-selection.js'
import {CtoError} from '../errors.js'
import {MemoryPerfStore} from './memory-perf-store.js'
import {type BenchFile, type BenchRow, readBenchFile} from './routerbench-file.js'
import type {
  PolicyResult,
  ReplayModel,
  ReplayOptions,
  ReplayPolicy,
  ReplayReport,
  ReplaySection,
  ReviewMode,
  RouterResult,
} from './replay-types.js'
import {taskTypeFor} from './task-type-map.js'

const PRICE_SAMPLE_ROWS = 20

export function parseReview(review: ReviewMode | string | undefined): ReviewMode {
  if (review === undefined || review === 'perfect') return {kind: 'perfect'}
  if (typeof review !== 'string') return review
  const m = /^noisy:(\d*\.?\d+)$/.exec(review)
  const p = m ? Number(m[1]) : Number.NaN
  if (!m || !(p >= 0 && p <= 1)) {
    throw new CtoError({code: 'BAD_FLAG', message: `Unknown review "${review}": use "perfect" or "noisy:<p>" with 0 ≤ p ≤ 1.`, actions: ['e.g. --review noisy:0.1']})
  }
  return {kind: 'noisy', p}
}

interface RowOutcome {
  row: BenchRow
  correct: boolean
  cost: number
  calls: string[]
  blocked: boolean
  overridden: boolean
  wrongApproved: number
  rightRejected: number
}

function emptyRouterResult(name: string): RouterResult {
  return {name, rows: 0, correct: 0, accuracy: 0, cost_usd: 0, calls: {}, escalations: 0, blocked: 0, overridden: 0, wrong_approved: 0, right_rejected: 0, first_picks: {}}
}

function summarise(name: string, outcomes: RowOutcome[]): RouterResult {
  const r = emptyRouterResult(name)
  for (const o of outcomes) {
    r.rows += 1
    if (o.correct) r.correct += 1
    r.cost_usd += o.cost
    for (const m of o.calls) r.calls[m] = (r.calls[m] ?? 0) + 1
    if (o.calls[0]) r.first_picks[o.calls[0]] = (r.first_picks[o.calls[0]] ?? 0) + 1
    r.escalations += Math.max(0, o.calls.length - 1)
    if (o.blocked) r.blocked += 1
    if (o.overridden) r.overridden += 1
    r.wrong_approved += o.wrongApproved
    r.right_rejected += o.rightRejected
  }
  r.accuracy = r.rows > 0 ? r.correct / r.rows : 0
  return r
}

function policyResult(name: string, rows: BenchRow[], answer: (row: BenchRow) => {correct: number; cost: number}): PolicyResult {
  let correct = 0
  let cost = 0
  for (const row of rows) {
    const a = answer(row)
    correct += a.correct
    cost += a.cost
  }
  return {name, rows: rows.length, correct, accuracy: rows.length > 0 ? correct / rows.length : 0, cost_usd: cost}
}

/** The cheapest model that answered correctly; the cheapest model when none did. */
export function oracleModel(row: BenchRow, models: readonly string[]): string {
  const byCost = [...models].sort((a, b) => (row.costs[a] ?? 0) - (row.costs[b] ?? 0))
  return byCost.find((m) => row.scores[m] === 1) ?? (byCost[0] as string)
}

function section(name: string, outcomes: RowOutcome[], models: readonly string[]): ReplaySection {
  const rows = outcomes.map((o) => o.row)
  const singles = models.map((m) => policyResult(m, rows, (row) => ({correct: row.scores[m] === 1 ? 1 : 0, cost: row.costs[m] ?? 0})))
  const random = policyResult('random', rows, (row) => ({
    correct: models.filter((m) => row.scores[m] === 1).length / models.length,
    cost: models.reduce((s, m) => s + (row.costs[m] ?? 0), 0) / models.length,
  }))
  const oracle = policyResult('oracle', rows, (row) => {
    const m = oracleModel(row, models)
    return {correct: row.scores[m] === 1 ? 1 : 0, cost: row.costs[m] ?? 0}
  })
  return {name, rows: rows.length, result: summarise(name, outcomes), singles, random, oracle}
}

export async function runReplay(options: ReplayOptions): Promise<ReplayReport> {
  if (options.files.length === 0) throw new CtoError({code: 'BAD_FLAG', message: 'No file to replay.', actions: ['Name one or more RouterBench CSV files.']})
  const policy: ReplayPolicy = options.policy ?? 'cto'
  const review = parseReview(options.review)
  const types = options.types ?? 'eval_name'
  const seed = options.seed ?? 1
  const score = options.score ?? {from: 0, to: 1}
  if (!(score.from >= 0 && score.from < score.to && score.to <= 1)) {
    throw new CtoError({code: 'BAD_FLAG', message: `Scored range ${score.from}–${score.to} is not within 0–1.`, actions: []})
  }
  const shuffleRandom = createSeededRandom(seed)
  const routeRandom = createSeededRandom(seed + 1_000_003)
  const reviewRandom = createSeededRandom(seed + 2_000_003)

  const files: BenchFile[] = []
  for (const f of options.files) files.push(await readBenchFile(f))
  const modelNames = [...new Set(files.flatMap((f) => f.models))]
  if (policy.startsWith('always:') && !modelNames.includes(policy.slice('always:'.length))) {
    throw new CtoError({code: 'NO_SUCH_MODEL', message: `Policy ${policy}: no such model in the files.`, actions: [`Models: ${modelNames.join(', ')}`]})
  }

  const claudeGroup = options.claudeGroup ?? /^claude/i
  const models: ReplayModel[] = modelNames.map((name) => {
    const sample = files.flatMap((f) => f.rows.slice(0, PRICE_SAMPLE_ROWS)).map((r) => r.costs[name] ?? 0).filter((c) => c > 0)
    return {name, group: claudeGroup.test(name) ? 'claude' : 'external', call_cost_usd: sample.length > 0 ? sample.reduce((a, b) => a + b, 0) / sample.length : 0}
  })
  const routeModels: RouteModel[] = models.map((m) => ({
    name: m.name,
    group: m.group,
    engine: 'openai-tools',
    supportsTools: true,
    pricing: {inputPerMTok: 0, outputPerMTok: 0},
    enabled: true,
    hasKey: true,
    callCostUsd: m.call_cost_usd,
  }))
  const byDearest = [...models].sort((a, b) => b.call_cost_usd - a.call_cost_usd)
  const ctoChoice = options.ctoChoice ?? (byDearest.find((m) => m.group === 'claude') ?? byDearest[0])?.name ?? ''
  if (!modelNames.includes(ctoChoice)) {
    throw new CtoError({code: 'NO_SUCH_MODEL', message: `CTO choice ${ctoChoice} is not a model of the files.`, actions: [`Models: ${modelNames.join(', ')}`]})
  }

  const warm: BenchRow[] = []
  const scored: BenchRow[] = []
  for (const f of files) {
    const rows = options.shuffle ? shuffled(f.rows, shuffleRandom) : f.rows
    const from = Math.floor(rows.length * score.from)
    const to = Math.floor(rows.length * score.to)
    if (options.warmup) warm.push(...rows.slice(0, from))
    scored.push(...rows.slice(from, to))
  }
  const order = (rows: BenchRow[]) => (options.shuffle ? shuffled(rows, shuffleRandom) : rows)

  const store = options.store ?? new MemoryPerfStore()
  const taskTypes: Partial<Record<TaskType, number>> = {}
  const complexities: Partial<Record<Complexity, number>> = {}
  let clockMs = Date.UTC(2024, 0, 1)
  const verdict = (correct: boolean, random: RandomSource): boolean =>
    review.kind === 'perfect' ? correct : random() < review.p ? !correct : correct

  const playRouter = async (row: BenchRow, count: boolean): Promise<RowOutcome> => {
    const type = taskTypeFor(row.evalName, row.prompt, types)
    const complexity = options.complexity === undefined || options.complexity === 'heuristic' ? classifyTask(row.prompt).complexity : options.complexity
    if (count) {
      taskTypes[type] = (taskTypes[type] ?? 0) + 1
      complexities[complexity] = (complexities[complexity] ?? 0) + 1
    }
    const route = selectRoute({classification: {type, complexity}, ctoChoice, models: routeModels, perf: store, random: routeRandom, weights: options.weights})
    const outcome: RowOutcome = {row, correct: false, cost: 0, calls: [], blocked: false, overridden: route.overridden, wrongApproved: 0, rightRejected: 0}
    const taskId = `${row.file}:${row.sampleId}:${row.line}`
    let model = route.selected
    for (let step = 0; ; step++) {
      const s = row.scores[model]
      const ok = s !== undefined
      const cost = row.costs[model] ?? 0
      const approved = ok && verdict(s === 1, reviewRandom)
      if (approved && s !== 1) outcome.wrongApproved += 1
      if (!approved && s === 1) outcome.rightRejected += 1
      outcome.calls.push(model)
      outcome.cost += cost
      clockMs += 1000
      const group = routeModels.find((m) => m.name === model)?.group ?? 'external'
      await store.record({
        time: new Date(clockMs).toISOString(),
        task_id: taskId,
        task_hash: taskId.slice(0, 16),
        task_excerpt: row.prompt.slice(0, 80),
        task_type: type,
        complexity,
        cto_choice: ctoChoice,
        model,
        group,
        override_reason: step === 0 ? route.override_reason : undefined,
        engine: 'openai-tools',
        success: ok,
        approved: ok ? approved : undefined,
        escalation_step: step,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: cost,
        duration_ms: 0,
        error_class: ok ? (approved ? undefined : 'rejected') : 'no_result',
      })
      if (approved) {
        outcome.correct = s === 1
        return outcome
      }
      const next = nextEscalation({
        failedModel: model,
        tried: outcome.calls,
        failedAttempts: step + 1,
        type,
        models: routeModels,
        perf: store,
        fallbackChains: options.fallbackChains,
        successTolerance: options.successTolerance,
        lastAttemptTolerance: options.lastAttemptTolerance,
        maxAttempts: options.maxAttempts,
      })
      if (next.kind === 'blocked') {
        outcome.blocked = true
        return outcome
      }
      model = next.model
    }
  }

  const playSingle = (row: BenchRow, model: string): RowOutcome => ({
    row,
    correct: row.scores[model] === 1,
    cost: row.costs[model] ?? 0,
    calls: [model],
    blocked: false,
    overridden: false,
    wrongApproved: 0,
    rightRejected: 0,
  })
  const play = async (row: BenchRow, count: boolean): Promise<RowOutcome> => {
    if (policy === 'cto') return playRouter(row, count)
    if (policy === 'oracle') return playSingle(row, oracleModel(row, modelNames))
    if (policy === 'random') return playSingle(row, modelNames[Math.floor(routeRandom() * modelNames.length)] as string)
    return playSingle(row, policy.slice('always:'.length))
  }

  for (const row of order(warm)) await play(row, false)
  const outcomes: RowOutcome[] = []
  for (const row of order(scored)) outcomes.push(await play(row, true))

  return {
    files: files.map((f) => f.path),
    policy,
    review,
    types,
    seed,
    shuffle: options.shuffle ?? false,
    score,
    warmup: options.warmup ?? false,
    warmup_rows: warm.length,
    cto_choice: ctoChoice,
    models,
    task_types: taskTypes,
    complexities,
    all: section('all', outcomes, modelNames),
    per_file: files.map((f) => section(f.name, outcomes.filter((o) => o.row.file === f.name), modelNames)),
  }
}
