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
 *   dearest Claude-group model, a cautious CTO). Phase 2 (selectRoute, with the learned cascade
 *   plan) then decides exactly as in `cto task`; no budgets are set. The CTO's calls are priced
 *   apart (cto-pricing.ts) at the rate of `ctoModel`.
 * - one row is one task, run through the task loop `cto task` runs (TaskRun, driven by the scripted
 *   engine of replay-loop.ts): a worker's answer is the model's score on the row (empty score =
 *   engine failure); review is perfect (approve a 1) or noisy:p (the verdict flips with probability
 *   p); a rejection escalates, blocked after 3 failed attempts (the row then counts as wrong); every
 *   attempt is recorded in the store and observed by the learned state the router reads, and every
 *   call's cost counts — the CTO's as TaskRun counts them.
 * - warm-up rows (`warmupFiles`, and the rows before `score.from`) are replayed first when `warmup`
 *   (not scored), and choose the best fixed cascade either way (fixed-cascade.ts).
 * - `always:<model>`, `random` and `oracle` are reference policies: one call, its answer final.
 */
import type {Complexity, TaskType} from '../providers/spec.js'
import {DEFAULT_PLAN_PARAMS} from '../router/cascade-plan.js'
import {MemoryCascadeStats} from '../router/cascade-stats.js'
import {DEFAULT_MAX_ATTEMPTS} from '../router/route-model.js'
import {createSeededRandom, shuffled} from '../router/seeded-random.js'
import {CtoError} from '../errors.js'
import {blendedRate, type CtoPricing} from './cto-pricing.js'
import {bestFixedCascade, scoreCascade, type FixedCascadeChoice} from './fixed-cascade.js'
import {MemoryPerfStore} from './memory-perf-store.js'
import {type BenchFile, type BenchRow, readBenchFile} from './routerbench-file.js'
import type {PolicyResult, ReplayModel, ReplayOptions, ReplayPolicy, ReplayReport, ReplaySection, ReviewMode, RouterResult} from './replay-types.js'
import {replayConfig, replayModels, replayRow, type ReplayLoopContext, type RowOutcome} from './replay-loop.js'

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

function emptyRouterResult(name: string): RouterResult {
  return {name, rows: 0, correct: 0, accuracy: 0, cost_usd: 0, cto_cost_usd: 0, cto_calls: 0, calls: {}, escalations: 0, blocked: 0, overridden: 0, wrong_approved: 0, right_rejected: 0, first_picks: {}}
}

function summarise(name: string, outcomes: RowOutcome[]): RouterResult {
  const r = emptyRouterResult(name)
  for (const o of outcomes) {
    r.rows += 1
    if (o.correct) r.correct += 1
    r.cost_usd += o.cost
    r.cto_cost_usd += o.ctoCost
    r.cto_calls += o.ctoCalls
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

function section(name: string, outcomes: RowOutcome[], models: readonly string[], review: ReviewMode, fixed: FixedCascadeChoice | undefined): ReplaySection {
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
  let cascade: ReplaySection['cascade'] = null
  if (fixed) {
    const s = scoreCascade(rows, fixed.models, review)
    cascade = {name: `cascade ${fixed.models.join(' → ')}`, models: fixed.models, rows: rows.length, correct: s.correct, accuracy: rows.length > 0 ? s.correct / rows.length : 0, cost_usd: s.cost_usd}
  }
  return {name, rows: rows.length, result: summarise(name, outcomes), singles, random, oracle, cascade}
}

/** The default CTO: the cheapest model whose accuracy on the rows is at least the median model's. */
export function defaultCtoModel(models: readonly ReplayModel[], rows: readonly BenchRow[]): string {
  const acc = (m: string) => {
    const scored = rows.filter((r) => r.scores[m] !== undefined)
    return scored.length > 0 ? scored.filter((r) => r.scores[m] === 1).length / scored.length : 0
  }
  const byAcc = models.map((m) => ({m, a: acc(m.name)})).sort((x, y) => y.a - x.a)
  const median = byAcc[Math.floor(byAcc.length / 2)]?.a ?? 0
  const able = byAcc.filter((x) => x.a >= median).map((x) => x.m)
  return ([...able].sort((x, y) => x.call_cost_usd - y.call_cost_usd)[0] ?? models[0])?.name ?? ''
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
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const shuffleRandom = createSeededRandom(seed)
  const routeRandom = createSeededRandom(seed + 1_000_003)
  const reviewRandom = createSeededRandom(seed + 2_000_003)

  const warmupFiles: BenchFile[] = []
  for (const f of options.warmupFiles ?? []) warmupFiles.push(await readBenchFile(f))
  const files: BenchFile[] = []
  for (const f of options.files) files.push(await readBenchFile(f))
  const modelNames = [...new Set([...warmupFiles, ...files].flatMap((f) => f.models))]
  if (policy.startsWith('always:') && !modelNames.includes(policy.slice('always:'.length))) {
    throw new CtoError({code: 'NO_SUCH_MODEL', message: `Policy ${policy}: no such model in the files.`, actions: [`Models: ${modelNames.join(', ')}`]})
  }

  const claudeGroup = options.claudeGroup ?? /^claude/i
  const allFiles = [...warmupFiles, ...files]
  const models: ReplayModel[] = modelNames.map((name) => {
    const sample = allFiles.flatMap((f) => f.rows.slice(0, PRICE_SAMPLE_ROWS)).map((r) => r.costs[name] ?? 0).filter((c) => c > 0)
    return {name, group: claudeGroup.test(name) ? 'claude' : 'external', call_cost_usd: sample.length > 0 ? sample.reduce((a, b) => a + b, 0) / sample.length : 0}
  })
  const resolved = replayModels(models)
  const byDearest = [...models].sort((a, b) => b.call_cost_usd - a.call_cost_usd)
  const ctoChoice = options.ctoChoice ?? (byDearest.find((m) => m.group === 'claude') ?? byDearest[0])?.name ?? ''
  if (!modelNames.includes(ctoChoice)) {
    throw new CtoError({code: 'NO_SUCH_MODEL', message: `CTO choice ${ctoChoice} is not a model of the files.`, actions: [`Models: ${modelNames.join(', ')}`]})
  }

  const warm: BenchRow[] = warmupFiles.flatMap((f) => (options.shuffle ? shuffled(f.rows, shuffleRandom) : f.rows))
  const scored: BenchRow[] = []
  for (const f of files) {
    const rows = options.shuffle ? shuffled(f.rows, shuffleRandom) : f.rows
    const from = Math.floor(rows.length * score.from)
    const to = Math.floor(rows.length * score.to)
    warm.push(...rows.slice(0, from))
    scored.push(...rows.slice(from, to))
  }
  const replayWarm = options.warmup ?? warmupFiles.length > 0
  const order = (rows: BenchRow[]) => (options.shuffle ? shuffled(rows, shuffleRandom) : rows)

  const allRows = allFiles.flatMap((f) => f.rows)
  const ctoModel = options.ctoModel ?? defaultCtoModel(models, warm.length > 0 ? warm : allRows)
  if (!modelNames.includes(ctoModel)) {
    throw new CtoError({code: 'NO_SUCH_MODEL', message: `--cto ${ctoModel} is not a model of the files.`, actions: [`Models: ${modelNames.join(', ')}`]})
  }
  const rate = blendedRate(ctoModel, allRows)
  const cto: CtoPricing = {
    model: ctoModel,
    usd_per_token: rate,
    hints: models.map((m) => {
      const r = blendedRate(m.name, allRows) * 1e6
      return {name: m.name, group: m.group, supportsTools: true, pricing: {inputPerMTok: Number(r.toPrecision(2)), outputPerMTok: Number(r.toPrecision(2))}, description: '', goodFor: []}
    }),
  }
  const costWeight = options.plan?.costWeight ?? DEFAULT_PLAN_PARAMS.costWeight
  const fixed = bestFixedCascade(warm, modelNames, review, {maxAttempts, costWeight})

  const store = options.store ?? new MemoryPerfStore()
  const learned = options.cascade ?? new MemoryCascadeStats({params: options.learn})
  let clockMs = Date.UTC(2024, 0, 1)
  const ctx: ReplayLoopContext = {
    models: resolved,
    config: replayConfig(resolved, ctoModel, options.fallbackChains),
    ctoChoice,
    perf: store,
    learned,
    plan: options.plan,
    random: routeRandom,
    reviewRandom,
    review,
    types,
    complexity: options.complexity,
    maxAttempts,
    chainEvidence: options.chainEvidence,
    cto,
    tick: () => (clockMs += 1000),
  }

  const single = (row: BenchRow, model: string): RowOutcome => ({
    row,
    type: 'analysis',
    complexity: 'simple',
    correct: row.scores[model] === 1,
    cost: row.costs[model] ?? 0,
    ctoCost: 0,
    ctoCalls: 0,
    calls: [model],
    blocked: false,
    overridden: false,
    wrongApproved: 0,
    rightRejected: 0,
  })
  const play = async (row: BenchRow): Promise<RowOutcome> => {
    if (policy === 'cto') return replayRow(row, ctx)
    if (policy === 'oracle') return single(row, oracleModel(row, modelNames))
    if (policy === 'random') return single(row, modelNames[Math.floor(routeRandom() * modelNames.length)] as string)
    return single(row, policy.slice('always:'.length))
  }

  if (replayWarm) for (const row of order(warm)) await play(row)
  const outcomes: RowOutcome[] = []
  const taskTypes: Partial<Record<TaskType, number>> = {}
  const complexities: Partial<Record<Complexity, number>> = {}
  for (const row of order(scored)) {
    const o = await play(row)
    outcomes.push(o)
    if (policy === 'cto') {
      taskTypes[o.type] = (taskTypes[o.type] ?? 0) + 1
      complexities[o.complexity] = (complexities[o.complexity] ?? 0) + 1
    }
  }

  return {
    files: files.map((f) => f.path),
    policy,
    review,
    types,
    seed,
    shuffle: options.shuffle ?? false,
    score,
    warmup: replayWarm,
    warmup_files: warmupFiles.map((f) => f.path),
    warmup_rows: warm.length,
    cto_choice: ctoChoice,
    cto_model: ctoModel,
    cto_usd_per_mtok: rate * 1e6,
    fixed_cascade: fixed ?? null,
    models,
    task_types: taskTypes,
    complexities,
    all: section('all', outcomes, modelNames, review, fixed),
    per_file: files.map((f) => section(f.name, outcomes.filter((o) => o.row.file === f.name), modelNames, review, fixed)),
  }
}
