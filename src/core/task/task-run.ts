/**
 * One `cto task`, phase by phase (spec phases 1–4, plus recording):
 *   classify()  the CTO model answers JSON {complexity, type, model, reason}; a reply that doesn't
 *               validate is retried once; unreachable or still invalid → the local heuristic.
 *   route()     the cost-aware override and the learned cascade plan (src/core/router/select-route.ts).
 *   attempt()   runs the worker on its engine — in its own copy of the workspace when it can change
 *               files (attempt-place.ts) —, collects its change, runs the project's tests on it
 *               (verification.ts), has the CTO review the evidence (review-evidence.ts), applies an
 *               approved change to the user's workspace as a patch, records it, and decides the next
 *               model on a failure or rejection (src/core/router/escalation.ts); blocked after 3.
 * The steps are separate so the command can show each as a line of progress (listr2), and so tests
 * drive them without a terminal. Collaborators (engine runner, store, clock, random) are injected.
 */
import {createHash, randomUUID} from 'node:crypto'
import type {EffectiveConfig} from '../config/effective.js'
import type {EngineRequest, EngineResult, Usage} from '../engines/types.js'
import {setupProblem, type SetupProblem} from '../availability/setup-failure.js'
import {CtoError, ModelDisabledError, NeedsKeyError, NoSuchModelError} from '../errors.js'
import {suggest} from '../cli/did-you-mean.js'
import {clause} from '../cli/clause.js'
import {ctoAlternative, ctoAlternativeFix} from '../models/cto-alternative.js'
import type {Complexity, ModelGroup, TaskType} from '../providers/spec.js'
import type {ResolvedModel} from '../providers/resolve.js'
import {nominalCallCost, protectedModelNames, workerForComplexity} from '../providers/catalog-policy.js'
import {classifyTask} from '../router/heuristic-classifier.js'
import {afterFailure, nextEscalation, type AfterFailure} from '../router/escalation.js'
import {routeModelFromResolved, type RouteModel} from '../router/route-model.js'
import {groupReasons, NoUsableModelError} from '../router/routing-errors.js'
import type {RandomSource} from '../router/seeded-random.js'
import {selectRoute, type LearnedRouting, type RouteDecision} from '../router/select-route.js'
import {MemoryCascadeStats, observationFromAttempt, type CascadeStatsReader, type CascadeStatsWriter} from '../router/cascade-stats.js'
import type {CascadePlan, PlanCandidate, PlanParams} from '../router/cascade-plan.js'
import {taskFeatures} from '../router/task-features.js'
import {reviewCallCost} from '../router/cost-estimate.js'
import type {AttemptRecord, BudgetGate, PerfReader} from '../store/types.js'
import {CLASSIFY_SYSTEM, REVIEW_SYSTEM, classificationPrompt, retryPrompt, reviewPrompt, workerPrompt, type EarlierAttempt} from './cto-prompts.js'
import {parseJsonReply} from './json-reply.js'
import {ctoModelName} from './cto-model-name.js'
import {inPlacePlaces, type AttemptPlace, type AttemptPlaces} from './attempt-place.js'
import type {AttemptEvidence} from './review-evidence.js'
import type {VerificationOutcome} from './verification.js'
import type {AttemptChange} from '../workspace/attempt-workspace.js'
import type {AttemptMeta} from '../workspace/task-folder.js'
import {toolCallLine} from './tool-call-line.js'
import type {ClassificationReply, ReviewReply} from './schemas.js'

interface CtoReplies {
  classification: ClassificationReply
  review: ReviewReply
}

export type ClassificationSource = 'cto' | 'heuristic' | 'flags'

export interface Classification {
  complexity: Complexity
  type: TaskType
  model: string
  reason: string
  source: ClassificationSource
}

export interface AttemptView {
  model: string
  engine: string
  ok: boolean
  approved: boolean | null
  quality: number | null
  feedback: string | null
  error: {code: string; message: string; retryable: boolean} | null
  usage: Usage
  cost_usd: number
  duration_ms: number
  turns: number
  tool_calls: number
  escalation_step: number
  /** Why this model got this attempt (route or escalation). */
  chosen_because: string
  /** `copy`: the attempt ran in its own copy of the workspace; `in-place`: in the user's folder. */
  workspace: 'copy' | 'in-place'
  /** What it changed in its copy (null in place, or when it could not be read). */
  change: AttemptChangeView | null
  /** The project's tests on its change (null when verification does not apply: in place, engine failure). */
  verification: VerificationView | null
  /** Stopped by Ctrl-C / SIGTERM: usage holds the tokens spent until then. Not a performance record. */
  cancelled: boolean
  /** The setup kept the model from working (its engine can't start, its key was refused): not a performance record. */
  unavailable: SetupProblem | null
  /** Tool calls the tool policy (or Claude Code) refused: they did not happen. */
  refused_tool_calls: Array<{name: string; summary: string; reason: string; rule?: string}>
}

/** One engine call, once it returned: for availability events and the spend ledger. */
export interface EngineCall {
  role: 'cto' | 'worker'
  model: ResolvedModel
  result: EngineResult
  cancelled: boolean
  setup?: SetupProblem
}

export interface AttemptChangeView {
  files: Array<{path: string; status: string; added: number | null; removed: number | null}>
  files_changed: number
  lines_added: number
  lines_removed: number
  /** Changed files never carried over to your workspace (cto's own config files). */
  dropped: string[]
  /** The kept patch (`git apply` it) and the readable diff, in the task's folder. */
  patch: string
  diff: string
  /** true: in your workspace now; false: approved but did not apply (conflict); null: not approved or nothing to apply. */
  applied: boolean | null
}

export interface VerificationView {
  ran: boolean
  command: string | null
  /** Why it did not run (`--no-verify`, no test command, no files changed, …). */
  reason: string | null
  exit_code: number | null
  passed: boolean | null
  timed_out: boolean
  duration_ms: number
  /** The full output, in the task's folder. */
  output: string | null
}

export interface TaskResult {
  id: string
  task: string
  /** conflict: a change was approved but no longer applies to your files (they changed meanwhile); nothing was written. cancelled: Ctrl-C. */
  status: 'completed' | 'blocked' | 'planned' | 'conflict' | 'cancelled'
  classification: Classification
  route: {
    cto_choice: string
    selected: string
    override_reason: string | null
    candidates: PlanCandidate[]
    plan: CascadePlan | null
    /** Who picks the next model if the selected one fails: its fallback chain until the store has evidence, else the plan (null with --model). */
    after_failure: AfterFailure | null
  }
  attempts: AttemptView[]
  output: string
  usage: Usage
  cost_usd: number
  duration_ms: number
  /** The CTO's own calls (classification, reviews): part of usage and cost above. */
  cto: {model: string; calls: number; usage: Usage; cost_usd: number}
  blocked_reason: string | null
  /** Why the approved change could not be applied, and where its patch is (status conflict). */
  conflict: {attempt: number; reason: string; patch: string} | null
  /** The task's folder (kept patches, diffs, verification logs), when an attempt ran in a copy. */
  task_dir: string | null
  notes: string[]
}

export interface TaskRunOptions {
  /** Default: a new UUID. */
  id?: string
  task: string
  config: EffectiveConfig
  models: ResolvedModel[]
  perf: PerfReader
  /** Runs one engine request (tests pass a fake; the CLI passes runEngine with its deps). */
  runEngine: (request: EngineRequest, place?: AttemptPlace) => Promise<EngineResult>
  /** Where each attempt runs. Default: in the workspace itself. */
  places?: AttemptPlaces
  /** Runs the project's tests in an attempt's copy. Default: no verification. */
  verify?: (o: {place: AttemptPlace; model: ResolvedModel}) => Promise<VerificationOutcome>
  /** The task's folder, reported in the result when an attempt ran in a copy. */
  taskDir?: string
  /** Records an attempt; undefined for a dry run. */
  record?: (attempt: AttemptRecord) => Promise<void>
  /** The cascade planner's settings and how many escalations of a type outweigh a fallback chain (tuning; the replay). */
  routing?: {plan?: Partial<PlanParams>; chainEvidence?: number}
  /** What the router learned about cascades (the store's, loaded by execute-task.ts); it observes every recorded attempt. Default: a fresh in-memory state. */
  learned?: CascadeStatsReader & CascadeStatsWriter
  random: RandomSource
  now?: () => number
  /** Team budgets (the PostgreSQL store): each attempt is admitted against its group's daily cap, atomically for the team, before it runs. */
  budget?: BudgetGate
  /** Who runs the task, written on each record (CTO_USER, else user@host). */
  user?: string
  workspace: string
  flags?: {model?: string; type?: TaskType; complexity?: Complexity; review?: boolean; verify?: boolean; maxTurns?: number; timeoutMs?: number; maxAttempts?: number}
  /** Plan only (--dry-run): when nothing can run here yet, plan as if it could, and say what is missing. */
  dryRun?: boolean
  /** Routing internals for --verbose and the task log. */
  trace?: (event: string, data: Record<string, unknown>) => void
  onEngineEvent?: EngineRequest['onEvent']
  /** Aborts the running call (Ctrl-C): that attempt is kept as cancelled, and nothing more runs. */
  signal?: AbortSignal
  /** Models that can't be used now and why (src/core/availability): neither routed to nor offered to the CTO. */
  unavailable?: ReadonlyMap<string, SetupProblem>
  /** Told about every engine call (CTO and worker) once it returned. */
  observe?: (call: EngineCall) => void | Promise<void>
}

const ZERO: Usage = {input_tokens: 0, output_tokens: 0}

/** The CTO could not answer: why, as a clause, and the fix when there is one (a sentence without its full stop). */
type CtoFailure = {ok: false; problem: string; fix?: string; alternative?: string}
const add = (a: Usage, b: Usage): Usage => ({input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens})

/** The heuristic's pick of a worker, as a CTO would: by complexity along the plugins' escalation ladder (the override then saves cost). */
export function heuristicWorker(complexity: Complexity, models: readonly ResolvedModel[], ctoModel: string): string {
  return workerForComplexity(models, complexity, ctoModel)
}

/**
 * What would let a model run: a key when it has none; else the fix for what made it unusable (an
 * endpoint that did not answer, a key the provider refused, Claude Code missing). A model with a
 * key is never told to get one.
 */
function fixFor(model: ResolvedModel, problem: SetupProblem | undefined): string {
  if (model.needsKey && !model.apiKey) return `"cto keys set ${model.name}"${model.keyEnvVar ? ` or set ${model.keyEnvVar}` : ''}`
  if (problem) return clause(problem.fix)
  if (model.engine === 'claude-cli') return 'install Claude Code (npm install -g @anthropic-ai/claude-code)'
  return `see "cto models show ${model.name}"`
}

export class TaskRun {
  readonly id: string
  readonly started: number
  classification?: Classification
  decision?: RouteDecision
  readonly attempts: AttemptView[] = []
  status: TaskResult['status'] = 'planned'
  blockedReason: string | null = null
  output = ''
  readonly notes: string[] = []
  private nextModel?: {name: string; because: string}
  private readonly feedback: EarlierAttempt[] = []
  /** Picks the model for the pending attempt again (after the team's budget turned a group away). */
  private repick?: () => {name: string; because: string} | undefined
  /** Tokens a group is known to have used today, from a refused admission: the router reads at least this. */
  private readonly budgetFloor: Partial<Record<ModelGroup, number>> = {}
  /** The store's reader, with what refused admissions taught about today's budgets. */
  private readonly perf: PerfReader
  private conflict: TaskResult['conflict'] = null
  private copied = false
  private ctoUsage: Usage = {...ZERO}
  private ctoCost = 0
  private ctoCalls = 0
  private readonly routeModels: RouteModel[]
  private readonly now: () => number
  /** Models that can't be used, known at the start or found out during the run. */
  private readonly down: Map<string, SetupProblem>
  /**
   * The note that gave a model's fix as it went down: when the blocked reason gives the fix instead,
   * the note is dropped, or put back `without` the fix.
   */
  private readonly downNotes = new Map<string, {note: string; without?: string}>()
  /** What was said about the CTO being unusable, so later calls say "as said above" (askCto). */
  private ctoSaid?: string
  private readonly learned: LearnedRouting & {stats: CascadeStatsReader & CascadeStatsWriter}

  constructor(private readonly opts: TaskRunOptions) {
    this.id = opts.id ?? randomUUID()
    this.now = opts.now ?? Date.now
    this.started = this.now()
    this.down = new Map(opts.unavailable)
    this.routeModels = opts.models.map((m) => ({...routeModelFromResolved(m), unavailable: this.down.get(m.name)?.reason}))
    this.perf = {
      stats: (model, type) => opts.perf.stats(model, type),
      tokensToday: (group) => Math.max(opts.perf.tokensToday(group), this.budgetFloor[group] ?? 0),
    }
    const cto = opts.models.find((m) => m.name === opts.config.cto_model)
    const reviewed = opts.flags?.review !== false && cto !== undefined
    this.learned = {stats: opts.learned ?? new MemoryCascadeStats(), features: taskFeatures(opts.task), params: opts.routing?.plan, reviewCostUsd: reviewed ? reviewCallCost(cto) : 0}
  }

  private get interrupted(): boolean {
    return this.opts.signal?.aborted === true
  }

  /** A model found unusable during the run: skipped from now on, and said why (unless the caller says it: the CTO's). */
  private markDown(model: string, problem: SetupProblem, silent = false): void {
    this.down.set(model, problem)
    const r = this.routeModels.find((m) => m.name === model)
    if (r) r.unavailable = problem.reason
    if (silent) return
    const note = `${model} can't be used: ${problem.reason}. ${problem.fix}`
    this.notes.push(note)
    this.downNotes.set(model, {note})
  }

  /** A note about the CTO being unusable: its fix once, and the note known, so the blocked reason can take the fix over. */
  private noteCtoProblem(sentence: string, reply: CtoFailure): void {
    const alternative = reply.alternative ? ` ${reply.fix ? `Or ${reply.alternative}` : reply.alternative.replace(/^m/, 'M')}.` : ''
    const note = `${sentence}${reply.fix ? ` ${reply.fix}.` : ''}${alternative}`
    this.notes.push(note)
    if (reply.fix && this.down.has(this.opts.config.cto_model)) this.downNotes.set(this.opts.config.cto_model, {note, without: `${sentence}${alternative}`})
  }

  /** The model can be called now: enabled, with a key (or needing none), not found unusable. */
  canRun(name: string): boolean {
    const m = this.opts.models.find((x) => x.name === name)
    return Boolean(m && m.enabled && (!m.needsKey || m.apiKey) && !this.down.has(m.name))
  }

  /**
   * The escalation's "no model is left to try: …" with what would let the models that can't be
   * used run (each fix once): the reason a task stopped says what to do. The notes that said the
   * same as each model went down are dropped, so it is said once.
   */
  private blockedWithFixes(reason: string): string {
    const down = this.opts.models.filter((m) => m.enabled && this.down.has(m.name))
    const fixes = [...new Set(down.map((m) => fixFor(m, this.down.get(m.name))))]
    if (fixes.length === 0) return reason
    for (const m of down) {
      const said = this.downNotes.get(m.name)
      const i = said ? this.notes.indexOf(said.note) : -1
      if (i >= 0 && said?.without) this.notes[i] = said.without
      else if (i >= 0) this.notes.splice(i, 1)
    }
    return `${reason}. ${fixes.map((f) => `${f}.`).join(' ')}`
  }

  private trace(event: string, data: Record<string, unknown>): void {
    this.opts.trace?.(event, data)
  }

  get ctoModel(): ResolvedModel | undefined {
    return this.opts.models.find((m) => m.name === this.opts.config.cto_model)
  }

  /** The CTO can be called: known, enabled, with a key (or needing none). */
  get ctoUsable(): boolean {
    const m = this.ctoModel
    return m !== undefined && this.canRun(m.name)
  }

  /**
   * Why the CTO can't be asked, as a clause, and the fix: in full the first time, then "as said
   * above" (a task with a CTO that is down noted it for the classification and for every review).
   */
  private ctoUnusable(): CtoFailure {
    const name = this.opts.config.cto_model
    const cto = this.ctoModel
    const down = this.down.get(name)
    const problem = !cto ? `CTO model ${name} is not a known model` : !cto.enabled ? `CTO model ${name} is disabled` : down ? `CTO model ${name} can't be used: ${down.reason}` : `CTO model ${name} has no key`
    if (this.ctoSaid === problem) return {ok: false, problem: `CTO model ${name} can't be used, as said above`}
    this.ctoSaid = problem
    const fix = !cto ? undefined : !cto.enabled ? `Enable it with "cto models enable ${name}"` : down ? clause(down.fix) : `Add its key: ${fixFor(cto, undefined)}`
    const other = ctoAlternative(this.opts.models, name, (m) => this.canRun(m.name))
    return {ok: false, problem, fix, alternative: other ? ctoAlternativeFix(other) : undefined}
  }

  private async askCto<K extends keyof CtoReplies>(system: string, prompt: string, what: K): Promise<{ok: true; value: CtoReplies[K]} | CtoFailure> {
    const cto = this.ctoModel
    if (!cto || !this.ctoUsable) return this.ctoUnusable()
    // zod only when the CTO is asked: a dry run on the heuristic doesn't load it (start-up).
    const schemas = await import('./schemas.js')
    const schema = (what === 'classification' ? schemas.classificationReplySchema : schemas.reviewReplySchema) as unknown as import('zod').ZodType<CtoReplies[K]>
    let text = prompt
    let problem = ''
    for (let round = 0; round < 2; round++) {
      const result = await this.opts.runEngine({model: cto, system, prompt: text, workspace: this.opts.workspace, responseFormat: 'json', allowTools: false, maxTurns: 1, timeoutMs: 120_000, signal: this.opts.signal})
      this.ctoCalls++
      this.ctoUsage = add(this.ctoUsage, result.usage)
      this.ctoCost += result.cost_usd
      this.trace(`cto.${what}`, {round, prompt: text, reply: result.text, error: result.error ?? null})
      const setup = this.interrupted ? undefined : setupProblem(cto.name, result.error)
      await this.opts.observe?.({role: 'cto', model: cto, result, cancelled: this.interrupted, setup})
      if (this.interrupted) return {ok: false, problem: `the ${what} by CTO ${cto.name} was interrupted`}
      // Said once, by the caller's note (with the fix), not also as a note of its own.
      if (setup) this.markDown(cto.name, setup, true)
      if (setup) return this.ctoUnusable()
      if (!result.ok) return {ok: false, problem: `CTO model ${cto.name} could not be reached: ${clause(result.error?.message ?? 'unknown error', cto.name)}`}
      const parsed = parseJsonReply(result.text, schema)
      if (parsed.ok) return parsed
      problem = parsed.problem
      text = retryPrompt(prompt, problem)
    }
    return {ok: false, problem: `CTO model ${cto.name} answered twice with no valid ${what} JSON (${clause(problem)})`}
  }

  /** Phase 1. */
  async classify(): Promise<Classification> {
    const f = this.opts.flags ?? {}
    const usable = this.opts.models.filter((m) => m.enabled && (!m.needsKey || m.apiKey) && !this.down.has(m.name))
    let c: Classification
    if (f.model || (f.type && f.complexity)) {
      const h = classifyTask(this.opts.task)
      const type = f.type ?? h.type
      const complexity = f.complexity ?? h.complexity
      c = {type, complexity, model: f.model ?? heuristicWorker(complexity, this.opts.models, this.opts.config.cto_model), reason: f.model ? `--model ${f.model}` : 'type and complexity from flags', source: 'flags'}
    } else {
      const reply = await this.askCto(CLASSIFY_SYSTEM, classificationPrompt(this.opts.task, usable, this.perf), 'classification')
      if (reply.ok) {
        const model = ctoModelName(reply.value.model, this.opts.models, usable)
        if (model !== reply.value.model) this.trace('cto.model_named', {answered: reply.value.model, model})
        c = {...reply.value, model, source: 'cto'}
      } else {
        const h = classifyTask(this.opts.task)
        c = {type: h.type, complexity: h.complexity, model: heuristicWorker(h.complexity, this.opts.models, this.opts.config.cto_model), reason: h.reason, source: 'heuristic'}
        this.noteCtoProblem(`${reply.problem}, so the local heuristic classified the task.`, reply)
      }
      if (f.type) c.type = f.type
      if (f.complexity) c.complexity = f.complexity
    }
    if (this.interrupted) this.status = 'cancelled'
    this.classification = c
    this.trace('classification', {...c})
    return c
  }

  /** Phase 2. Throws NoUsableModelError (exit 1) when nothing can take the task. */
  route(): RouteDecision {
    const c = this.classification
    if (!c) throw new Error('route() before classify()')
    const f = this.opts.flags ?? {}
    const co = this.opts.config.cost_optimization
    if (f.model) {
      const m = this.opts.models.find((x) => x.name === f.model)
      if (!m) throw new NoSuchModelError(f.model, {suggestion: suggest(f.model, this.opts.models.map((x) => x.name))})
      if (!m.enabled) throw new ModelDisabledError(m.name)
      if (m.needsKey && !m.apiKey) throw new NeedsKeyError(m.name, m.keyEnvVar)
      this.decision = {cto_choice: m.name, selected: m.name, overridden: false, rule: 'kept', candidates: [], budgets: []}
    } else {
      const select = (models: RouteModel[]) =>
        selectRoute({
          classification: c,
          ctoChoice: c.model,
          pickedBy: c.source === 'heuristic' ? 'heuristic' : 'cto',
          models,
          perf: this.perf,
          random: this.opts.random,
          budgets: co.enabled ? co.token_budget_per_day : undefined,
          costOptimization: co.enabled,
          strategy: this.opts.config.model_selection_strategy,
          preferExternalForRoutine: co.prefer_external_for_routine,
          protectedModels: protectedModelNames(this.opts.models),
          learned: this.learned,
          maxAttempts: f.maxAttempts,
        })
      try {
        this.decision = select(this.routeModels)
      } catch (error) {
        // A dry run plans even on a machine where nothing can run yet (no key, no claude): it says
        // so and what would let the planned model run, and is never the reason a user gets stuck.
        if (!(error instanceof NoUsableModelError)) throw error
        // What would let the model the router picks run, had every model a key and its tools.
        let asIf: RouteDecision
        try {
          asIf = select(this.routeModels.map((m) => ({...m, hasKey: true, unavailable: undefined})))
        } catch {
          throw error
        }
        const planned = this.opts.models.find((m) => m.name === asIf.selected)
        const fix = planned ? fixFor(planned, this.down.get(planned.name)) : 'see "cto models list"'
        if (!this.opts.dryRun) throw new NoUsableModelError(`${c.type} task`, error.reasons, [`To run it on ${planned?.name} (the router's pick): ${fix}.`])
        this.decision = asIf
        this.notes.push(`No model can run here yet (${groupReasons(error.reasons).join('; ')}): planned as if they could. To run it on ${planned?.name}: ${fix}.`)
      }
    }
    this.noteUnusedOverride(c)
    this.nextModel = {name: this.decision.selected, because: this.decision.override_reason ?? (this.decision.overridden ? 'override' : 'CTO choice')}
    this.repick = f.model ? undefined : () => (this.route(), this.nextModel)
    this.trace('route', {...this.decision})
    return this.decision
  }

  /** Routine work stayed on Claude only because no external model could take it: say how to change that. */
  private noteUnusedOverride(c: Classification): void {
    const d = this.decision
    const co = this.opts.config.cost_optimization
    const picked = this.opts.models.find((m) => m.name === d?.selected)
    if (!d || d.rule !== 'kept' || c.complexity === 'complex' || picked?.group !== 'claude' || !co.enabled || !co.prefer_external_for_routine) return
    if (this.opts.config.model_selection_strategy !== 'cost_aware') return
    const external = this.opts.models.filter((m) => m.group === 'external' && m.enabled)
    if (external.some((m) => !m.needsKey || m.apiKey)) return
    const hint = [...external].sort((a, b) => nominalCallCost(a) - nominalCallCost(b) || a.name.localeCompare(b.name))[0]
    this.notes.push(`No external model has a key, so this ${c.complexity} task stays on ${picked.name}${hint ? `: "cto keys set ${hint.name}" lets cost optimisation send routine work to cheaper models` : ''}.`)
  }

  /** Whether attempt() has more to do. */
  get pending(): boolean {
    return this.nextModel !== undefined && this.status === 'planned'
  }

  /** Phases 3–5 for one attempt. Returns the attempt, or undefined when nothing was pending. */
  async attempt(onStart?: (model: string, step: number) => void): Promise<AttemptView | undefined> {
    const c = this.classification
    if (!this.nextModel || !c || this.status !== 'planned') return undefined
    const attemptId = randomUUID()
    const next = await this.admit(this.nextModel, attemptId, c.type)
    if (!next) return undefined
    const model = this.opts.models.find((m) => m.name === next.name) as ResolvedModel
    const step = this.attempts.length
    onStart?.(model.name, step)
    const place = await (this.opts.places ?? inPlacePlaces(this.opts.workspace)).prepare(step, model)
    try {
      return await this.attemptIn(place, model, next, step, c, attemptId)
    } finally {
      await place.dispose()
    }
  }

  private async attemptIn(place: AttemptPlace, model: ResolvedModel, next: {name: string; because: string}, step: number, c: Classification, attemptId: string): Promise<AttemptView> {
    const f = this.opts.flags ?? {}
    if (place.placement === 'copy') this.copied = true
    this.notes.push(...place.notes)
    this.trace('attempt.place', {model: model.name, placement: place.placement, cwd: place.cwd, read_only: place.readOnlyPaths})
    const result = await this.opts.runEngine(
      {
        model,
        prompt: workerPrompt(this.opts.task, this.feedback, place.worker),
        workspace: place.cwd,
        maxTurns: f.maxTurns ?? this.opts.config.engines.max_turns,
        timeoutMs: f.timeoutMs ?? this.opts.config.engines.attempt_timeout_seconds * 1000,
        onEvent: this.opts.onEngineEvent,
        signal: this.opts.signal,
      },
      place,
    )
    const setup = this.interrupted ? undefined : setupProblem(model.name, result.error)
    await this.opts.observe?.({role: 'worker', model, result, cancelled: this.interrupted, setup})
    const refused = [
      ...result.tool_calls.filter((t) => t.refused).map((t) => ({name: t.name, summary: toolCallLine(t.name, t.input, t.summary ?? t.name), reason: t.reason ?? 'refused', ...(t.rule ? {rule: t.rule} : {})})),
      ...(result.permission_denials ?? []).map((d) => ({name: d.tool_name, summary: d.tool_name, reason: d.reason ?? 'denied by Claude Code'})),
    ]
    let change: AttemptChange | null = null
    let changeUnreadable = false
    // Interrupted: what the copy holds is not looked at, tested or applied.
    if (place.placement === 'copy' && !this.interrupted) {
      try {
        change = await place.collectChange()
      } catch (error) {
        changeUnreadable = true
        this.notes.push(`Could not read what ${model.name} changed in its copy, so nothing of it can be applied: ${(error as Error).message}`)
      }
    }
    const verification = this.interrupted ? null : await this.verifyAttempt(place, model, result, change)
    const evidence: AttemptEvidence = {placement: place.placement, change, verification}

    let approved: boolean | null = null
    let quality: number | null = null
    let feedback: string | null = null
    let testsFailedUnreviewed = false
    if (result.ok && f.review !== false && !this.interrupted) {
      const review = await this.askCto(REVIEW_SYSTEM, reviewPrompt(this.opts.task, c.type, {model: model.name, text: result.text, tool_calls: result.tool_calls, refused}, evidence), 'review')
      if (review.ok) {
        ;({approved, quality, feedback} = review.value)
      } else if (verification?.ran && verification.passed === false) {
        // Nothing vouches for the change and the project's own tests say it is wrong: it is not
        // applied ("only the approved change reaches your folder"), and the next model is told why.
        testsFailedUnreviewed = true
        feedback = `the project's tests failed (${verification.timed_out ? 'timed out' : `exit ${verification.exit_code}`}) and the review was unavailable`
        this.noteCtoProblem(`Review of ${model.name}'s attempt unavailable and its tests failed, so its change was not applied: ${review.problem}.`, review)
      } else {
        this.noteCtoProblem(`Review of ${model.name}'s attempt unavailable, so its engine success counts: ${review.problem}.`, review)
      }
    }
    if (result.permission_denials && result.permission_denials.length > 0) {
      this.notes.push(`${model.name}: Claude Code denied ${result.permission_denials.length} tool call(s): ${result.permission_denials.map((d) => d.tool_name).join(', ')}`)
    }
    const cancelled = this.interrupted
    const success = result.ok && approved !== false && !testsFailedUnreviewed && !changeUnreadable && !cancelled
    let applied: boolean | null = null
    if (success && change && change.files.length > 0) {
      const outcome = await place.applyChange()
      applied = outcome.applied
      if (!outcome.applied) {
        this.conflict = {attempt: step + 1, reason: outcome.reason, patch: change.patchFile}
        this.notes.push(
          `${model.name}'s change was approved but does not apply to your files any more (they changed while the task ran): ${outcome.reason}. Nothing was written; the patch is kept at ${change.patchFile} ("git apply ${change.patchFile}" once the files fit, or run the task again).`,
        )
      }
    }
    if (change && change.dropped.length > 0) this.notes.push(`${model.name} changed ${change.dropped.join(', ')}: configuration cto, Claude Code or an editor acts on, and links out of the project, never come from a worker, so that part was left out (it is in the kept patch).`)

    const view: AttemptView = {
      model: model.name,
      engine: model.engine,
      ok: result.ok,
      approved,
      quality,
      feedback,
      error: result.error ? {code: result.error.code, message: result.error.message, retryable: result.error.retryable} : null,
      usage: result.usage,
      cost_usd: result.cost_usd,
      duration_ms: result.duration_ms,
      turns: result.turns,
      tool_calls: result.tool_calls.length,
      escalation_step: step,
      chosen_because: next.because,
      workspace: place.placement,
      change: change && place.files ? changeView(change, applied) : null,
      verification: verificationView(verification, place),
      cancelled,
      unavailable: setup ?? null,
      refused_tool_calls: refused,
    }
    this.attempts.push(view)
    // The attempt happened whether or not its files can be kept: it stays in the result and is recorded below.
    const unsaved = await place.keep(attemptMeta(this.id, view), verification).then(
      () => undefined,
      (error: unknown) => ({problem: `Could not save attempt ${step + 1} (${model.name})'s files in ${place.files?.dir ?? this.opts.taskDir}: ${(error as Error).message}`, cause: error}),
    )

    if (cancelled) {
      // Not the model's result: no performance record, no escalation. The task log keeps it.
      this.status = 'cancelled'
      this.output = result.text
      this.nextModel = undefined
      if (unsaved) this.notes.push(`${unsaved.problem}.`)
      return view
    }
    if (setup) this.markDown(model.name, setup)
    if (success) {
      this.status = applied === false ? 'conflict' : 'completed'
      this.output = result.text
      this.nextModel = undefined
    } else {
      // A setup failure says nothing the next model could use.
      if (!setup) this.feedback.push({model: model.name, feedback: feedback ?? (result.error ? `failed: ${result.error.message}` : changeUnreadable ? 'its change could not be read' : 'rejected'), evidence})
      const escalate = () => {
        const decision = nextEscalation({
          failedModel: model.name,
          tried: this.attempts.map((a) => a.model),
          failedAttempts: this.attempts.length,
          type: c.type,
          models: this.routeModels,
          perf: this.perf,
          // The defaults in it come from the plugins' escalatesTo declarations (src/core/providers/catalog-policy.ts).
          fallbackChains: this.opts.config.fallback_chain,
          budgets: this.opts.config.cost_optimization.enabled ? this.opts.config.cost_optimization.token_budget_per_day : undefined,
          maxAttempts: f.maxAttempts,
          learned: this.learned,
          random: this.opts.random,
          chainEvidence: this.opts.routing?.chainEvidence,
        })
        this.trace('escalation', {...decision})
        if (decision.kind === 'blocked') {
          this.status = 'blocked'
          this.blockedReason = decision.cause === 'none_left' ? this.blockedWithFixes(decision.reason) : decision.reason
          this.output = result.text
          this.nextModel = undefined
        } else {
          this.nextModel = {name: decision.model, because: `escalation: ${decision.reason}`}
        }
        return this.nextModel
      }
      escalate()
      this.repick = escalate
    }
    // A setup failure is an availability event (observe), not the model's failure on this task type.
    if (!setup) await this.recordAttempt(view, success, attemptId)
    if (unsaved) {
      // The task ended anyway (completed, conflict, blocked): said in a note. Otherwise it stops
      // here: the next attempt would run in the same folder, and its record would be lost too.
      if (this.status !== 'planned') this.notes.push(`${unsaved.problem}.`)
      else {
        this.nextModel = undefined
        this.repick = undefined
        throw new CtoError({
          code: 'ATTEMPT_FILES_NOT_SAVED',
          message: `${unsaved.problem}. The task stopped here rather than run another attempt in a folder it cannot write to.`,
          actions: [`Check that ${this.opts.taskDir ?? 'the task folder'} is there, writable and on a disk with free space, then run the task again.`],
          cause: unsaved.cause,
        })
      }
    }
    return view
  }

  /** The project's tests on an attempt's change, when that applies. */
  private async verifyAttempt(place: AttemptPlace, model: ResolvedModel, result: EngineResult, change: AttemptChange | null): Promise<VerificationOutcome | null> {
    if (place.placement !== 'copy' || !this.opts.verify) return null
    if ((this.opts.flags ?? {}).verify === false) return {ran: false, reason: 'skipped (--no-verify)'}
    if (!result.ok) return null
    if (!change) return null
    if (change.files.length === 0) return {ran: false, reason: 'the worker changed no files'}
    const v = await this.opts.verify({place, model})
    this.trace('verification', v.ran ? {command: v.command, exit_code: v.exit_code, passed: v.passed, duration_ms: v.duration_ms} : {reason: v.reason})
    return v
  }

  /**
   * Team budgets: before an attempt runs, its group's cap is checked and its estimated tokens held,
   * atomically for the whole team (BudgetGate). When the team used the cap up meanwhile, the group
   * counts as over budget from now on and the model is picked again (route or escalation), which
   * may block the task. `--model` runs skip this, as they skip every routing rule.
   */
  private async admit(next: {name: string; because: string}, attemptId: string, type: TaskType): Promise<{name: string; because: string} | undefined> {
    const gate = this.opts.budget
    const co = this.opts.config.cost_optimization
    if (!gate || !co.enabled || this.opts.flags?.model) return next
    let pick: {name: string; because: string} | undefined = next
    for (let round = 0; pick && round < 4; round++) {
      const model = this.opts.models.find((m) => m.name === pick?.name)
      if (!model) return pick
      const cap = co.token_budget_per_day[model.group]
      const timeoutMs = this.opts.flags?.timeoutMs ?? this.opts.config.engines.attempt_timeout_seconds * 1000
      const verdict = await gate.admit({id: attemptId, group: model.group, tokens: this.estimateTokens(model.name, type), cap, ttlMs: timeoutMs + 10 * 60_000})
      this.trace('budget', {model: model.name, group: model.group, cap, ...verdict})
      if (verdict.ok) return pick
      this.budgetFloor[model.group] = Math.max(verdict.used, cap)
      this.notes.push(`The team used up the ${model.group} group's daily budget (${verdict.used}/${cap} tokens) before ${model.name} could start: picked again.`)
      pick = this.repick?.()
    }
    if (this.status === 'planned') {
      this.status = 'blocked'
      this.blockedReason = "the team's daily budgets turned every pick away"
      this.nextModel = undefined
    }
    return undefined
  }

  /** Tokens one attempt of a model is expected to use: its recorded mean (this type, else any), else 2,000. */
  private estimateTokens(model: string, type: TaskType): number {
    for (const s of [this.perf.stats(model, type), this.perf.stats(model)]) {
      if (s.attempts > 0) return Math.ceil((s.input_tokens + s.output_tokens) / s.attempts)
    }
    return 2000
  }

  private async recordAttempt(view: AttemptView, success: boolean, attemptId: string): Promise<void> {
    const c = this.classification as Classification
    const d = this.decision as RouteDecision
    if (!this.opts.record) return
    const record: AttemptRecord = {
      time: new Date(this.now()).toISOString(),
      task_id: this.id,
      task_hash: createHash('sha256').update(this.opts.task).digest('hex').slice(0, 16),
      task_excerpt: this.opts.task.slice(0, 80),
      task_type: c.type,
      complexity: c.complexity,
      cto_choice: d.cto_choice,
      model: view.model,
      group: this.opts.models.find((m) => m.name === view.model)?.group ?? 'external',
      override_reason: view.escalation_step === 0 ? (d.override_reason ?? undefined) : undefined,
      engine: view.engine as AttemptRecord['engine'],
      // Not reviewed (the review was unavailable) and the project's tests failed: not applied, so
      // not a success for cto perf or the router either (both count engine success when unreviewed).
      success: view.ok && !(view.approved === null && view.feedback !== null && view.verification?.passed === false),
      approved: view.approved ?? undefined,
      quality: view.quality ?? undefined,
      escalation_step: view.escalation_step,
      input_tokens: view.usage.input_tokens,
      output_tokens: view.usage.output_tokens,
      cost_usd: view.cost_usd,
      duration_ms: view.duration_ms,
      error_class: success ? undefined : (view.error?.code ?? (view.approved === false ? 'rejected' : view.verification?.passed === false ? 'tests_failed' : undefined)),
      files_changed: view.change?.files_changed,
      lines_added: view.change?.lines_added,
      lines_removed: view.change?.lines_removed,
      attempt_id: attemptId,
      user: this.opts.user,
    }
    const v = view.verification
    if (v?.ran && v.command !== null) {
      record.verify_command = v.command
      if (v.exit_code !== null) record.verify_exit_code = v.exit_code
      record.verify_passed = v.passed === true
      record.verify_duration_ms = v.duration_ms
    }
    // What the router learns from: where the attempt stood in its task, and the task's hashed words.
    const fields = {failed_before: this.attempts.slice(0, view.escalation_step).map((a) => a.model), features: [...(this.learned.features ?? [])]}
    record.failed_before = fields.failed_before
    record.features = fields.features
    try {
      await this.opts.record(record)
    } catch (error) {
      this.notes.push(`Could not record the attempt in the performance store: ${(error as Error).message}`)
    }
    // This process goes on from its own copy; the store folded the same observation for the next.
    this.learned.stats.observe(observationFromAttempt(record, fields))
  }

  private afterFailureOf(model: string, type: TaskType): AfterFailure {
    const group = this.opts.models.find((m) => m.name === model)?.group
    return afterFailure({model, group, type, chains: this.opts.config.fallback_chain, stats: this.learned.stats, chainEvidence: this.opts.routing?.chainEvidence})
  }

  result(): TaskResult {
    const c = this.classification as Classification
    const d = this.decision
    const workers = this.attempts.reduce((u, a) => add(u, a.usage), {...ZERO})
    return {
      id: this.id,
      task: this.opts.task,
      status: this.status,
      classification: c,
      route: {
        cto_choice: d?.cto_choice ?? c.model,
        selected: d?.selected ?? c.model,
        override_reason: d?.override_reason ?? null,
        candidates: d?.candidates ?? [],
        plan: d?.plan ?? null,
        after_failure: d?.plan ? this.afterFailureOf(d.selected, c.type) : null,
      },
      attempts: this.attempts,
      output: this.output,
      usage: add(workers, this.ctoUsage),
      cost_usd: this.attempts.reduce((s, a) => s + a.cost_usd, 0) + this.ctoCost,
      duration_ms: this.now() - this.started,
      cto: {model: this.opts.config.cto_model, calls: this.ctoCalls, usage: this.ctoUsage, cost_usd: this.ctoCost},
      blocked_reason: this.blockedReason,
      conflict: this.conflict,
      task_dir: this.copied ? (this.opts.taskDir ?? null) : null,
      notes: this.notes,
    }
  }
}

function changeView(change: AttemptChange, applied: boolean | null): AttemptChangeView {
  return {
    files: change.files.map((x) => ({path: x.path, status: x.status, added: x.added, removed: x.removed})),
    files_changed: change.files.length,
    lines_added: change.added,
    lines_removed: change.removed,
    dropped: change.dropped,
    patch: change.patchFile,
    diff: change.diffFile,
    applied,
  }
}

function verificationView(v: VerificationOutcome | null, place: AttemptPlace): VerificationView | null {
  if (!v) return null
  if (!v.ran) return {ran: false, command: v.command ?? null, reason: v.reason, exit_code: null, passed: null, timed_out: false, duration_ms: 0, output: null}
  return {ran: true, command: v.command, reason: null, exit_code: v.exit_code, passed: v.passed, timed_out: v.timed_out, duration_ms: v.duration_ms, output: place.files?.verifyLog ?? null}
}

function attemptMeta(taskId: string, view: AttemptView): AttemptMeta {
  const v = view.verification
  return {
    task_id: taskId,
    attempt: view.escalation_step + 1,
    model: view.model,
    approved: view.approved,
    applied: view.change?.applied ?? null,
    files: view.change?.files ?? [],
    lines_added: view.change?.lines_added ?? 0,
    lines_removed: view.change?.lines_removed ?? 0,
    dropped: view.change?.dropped ?? [],
    verification: v?.ran && v.command ? {command: v.command, exit_code: v.exit_code, passed: v.passed === true, duration_ms: v.duration_ms, timed_out: v.timed_out} : null,
  }
}
