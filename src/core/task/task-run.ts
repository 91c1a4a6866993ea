/**
 * One `cto task`, phase by phase (spec phases 1–4, plus recording):
 *   classify()  the CTO model answers JSON {complexity, type, model, reason}; a reply that doesn't
 *               validate is retried once; unreachable or still invalid → the local heuristic.
 *   route()     the cost-aware override (src/core/router/weighted-selection.ts).
 *   attempt()   runs the worker on its engine, has the CTO review it, records it, and decides the
 *               next model on a failure or rejection (src/core/router/escalation.ts); blocked after 3.
 * The steps are separate so the command can show each as a line of progress (listr2), and so tests
 * drive them without a terminal. Collaborators (engine runner, store, clock, random) are injected.
 */
import {createHash, randomUUID} from 'node:crypto'
import type {EffectiveConfig} from '../config/effective.js'
import type {EngineRequest, EngineResult, Usage} from '../engines/types.js'
import {ModelDisabledError, NeedsKeyError, NoSuchModelError} from '../errors.js'
import {suggest} from '../cli/did-you-mean.js'
import type {Complexity, ModelGroup, TaskType} from '../providers/spec.js'
import type {ResolvedModel} from '../providers/resolve.js'
import {classifyTask} from '../router/heuristic-classifier.js'
import {nextEscalation} from '../router/escalation.js'
import {routeModelFromResolved, type RouteModel} from '../router/route-model.js'
import type {RandomSource} from '../router/seeded-random.js'
import {selectRoute, type RouteDecision} from '../router/weighted-selection.js'
import type {AttemptRecord, BudgetGate, PerfReader} from '../store/types.js'
import {CLASSIFY_SYSTEM, REVIEW_SYSTEM, classificationPrompt, retryPrompt, reviewPrompt, workerPrompt} from './cto-prompts.js'
import {parseJsonReply} from './json-reply.js'
import {classificationReplySchema, reviewReplySchema} from './schemas.js'

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
}

export interface TaskResult {
  id: string
  task: string
  status: 'completed' | 'blocked' | 'planned'
  classification: Classification
  route: {cto_choice: string; selected: string; override_reason: string | null; candidates: Array<{model: string; weight: number; probability: number}>}
  attempts: AttemptView[]
  output: string
  usage: Usage
  cost_usd: number
  duration_ms: number
  /** The CTO's own calls (classification, reviews): part of usage and cost above. */
  cto: {model: string; calls: number; usage: Usage; cost_usd: number}
  blocked_reason: string | null
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
  runEngine: (request: EngineRequest) => Promise<EngineResult>
  /** Records an attempt; undefined for a dry run. */
  record?: (attempt: AttemptRecord) => Promise<void>
  random: RandomSource
  now?: () => number
  /** Team budgets (the PostgreSQL store): each attempt is admitted against its group's daily cap, atomically for the team, before it runs. */
  budget?: BudgetGate
  /** Who runs the task, written on each record (CTO_USER, else user@host). */
  user?: string
  workspace: string
  flags?: {model?: string; type?: TaskType; complexity?: Complexity; review?: boolean; maxTurns?: number; timeoutMs?: number; maxAttempts?: number}
  /** Routing internals for --verbose and the task log. */
  trace?: (event: string, data: Record<string, unknown>) => void
  onEngineEvent?: EngineRequest['onEvent']
}

const ZERO: Usage = {input_tokens: 0, output_tokens: 0}
const add = (a: Usage, b: Usage): Usage => ({input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens})

/** The heuristic's pick of a worker, as a CTO would: Claude by complexity (the override then saves cost). */
export function heuristicWorker(complexity: Complexity): string {
  return complexity === 'complex' ? 'opus' : complexity === 'simple' ? 'haiku' : 'sonnet'
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
  /** Picks the model for the pending attempt again (after the team's budget turned a group away). */
  private repick?: () => {name: string; because: string} | undefined
  /** Tokens a group is known to have used today, from a refused admission: the router reads at least this. */
  private readonly budgetFloor: Partial<Record<ModelGroup, number>> = {}
  /** The store's reader, with what refused admissions taught about today's budgets. */
  private readonly perf: PerfReader
  private readonly feedback: Array<{model: string; feedback: string}> = []
  private ctoUsage: Usage = {...ZERO}
  private ctoCost = 0
  private ctoCalls = 0
  private readonly routeModels: RouteModel[]
  private readonly now: () => number

  constructor(private readonly opts: TaskRunOptions) {
    this.id = opts.id ?? randomUUID()
    this.now = opts.now ?? Date.now
    this.started = this.now()
    this.routeModels = opts.models.map((m) => routeModelFromResolved(m))
    this.perf = {
      stats: (model, type) => opts.perf.stats(model, type),
      tokensToday: (group) => Math.max(opts.perf.tokensToday(group), this.budgetFloor[group] ?? 0),
    }
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
    return Boolean(m && m.enabled && (!m.needsKey || m.apiKey))
  }

  private async askCto<T>(system: string, prompt: string, schema: import('zod').ZodType<T>, what: string): Promise<{ok: true; value: T} | {ok: false; problem: string}> {
    const cto = this.ctoModel
    if (!cto || !this.ctoUsable) {
      const why = !cto ? `CTO model ${this.opts.config.cto_model} is not a known model` : !cto.enabled ? `CTO model ${cto.name} is disabled` : `CTO model ${cto.name} has no key`
      return {ok: false, problem: why}
    }
    let text = prompt
    let problem = ''
    for (let round = 0; round < 2; round++) {
      const result = await this.opts.runEngine({model: cto, system, prompt: text, workspace: this.opts.workspace, responseFormat: 'json', allowTools: false, maxTurns: 1, timeoutMs: 120_000})
      this.ctoCalls++
      this.ctoUsage = add(this.ctoUsage, result.usage)
      this.ctoCost += result.cost_usd
      this.trace(`cto.${what}`, {round, prompt: text, reply: result.text, error: result.error ?? null})
      if (!result.ok) return {ok: false, problem: `CTO ${cto.name} could not be reached: ${result.error?.message ?? 'unknown error'}`}
      const parsed = parseJsonReply(result.text, schema)
      if (parsed.ok) return parsed
      problem = parsed.problem
      text = retryPrompt(prompt, problem)
    }
    return {ok: false, problem: `CTO ${cto.name} answered twice with no valid ${what} JSON (${problem})`}
  }

  /** Phase 1. */
  async classify(): Promise<Classification> {
    const f = this.opts.flags ?? {}
    const usable = this.opts.models.filter((m) => m.enabled && (!m.needsKey || m.apiKey))
    let c: Classification
    if (f.model || (f.type && f.complexity)) {
      const h = classifyTask(this.opts.task)
      const type = f.type ?? h.type
      const complexity = f.complexity ?? h.complexity
      c = {type, complexity, model: f.model ?? heuristicWorker(complexity), reason: f.model ? `--model ${f.model}` : 'type and complexity from flags', source: 'flags'}
    } else {
      const reply = await this.askCto(CLASSIFY_SYSTEM, classificationPrompt(this.opts.task, usable, this.perf), classificationReplySchema, 'classification')
      if (reply.ok) {
        c = {...reply.value, source: 'cto'}
      } else {
        const h = classifyTask(this.opts.task)
        c = {type: h.type, complexity: h.complexity, model: heuristicWorker(h.complexity), reason: h.reason, source: 'heuristic'}
        this.notes.push(`${reply.problem}: the local heuristic classified the task.`)
      }
      if (f.type) c.type = f.type
      if (f.complexity) c.complexity = f.complexity
    }
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
      this.decision = selectRoute({
        classification: c,
        ctoChoice: c.model,
        models: this.routeModels,
        perf: this.perf,
        random: this.opts.random,
        budgets: co.enabled ? co.token_budget_per_day : undefined,
        costOptimization: co.enabled,
        strategy: this.opts.config.model_selection_strategy,
        preferExternalForRoutine: co.prefer_external_for_routine,
      })
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
    const hint = external.find((m) => m.name === 'deepseek') ?? external[0]
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
    const f = this.opts.flags ?? {}
    const result = await this.opts.runEngine({
      model,
      prompt: workerPrompt(this.opts.task, this.feedback),
      workspace: this.opts.workspace,
      maxTurns: f.maxTurns ?? this.opts.config.engines.max_turns,
      timeoutMs: f.timeoutMs ?? this.opts.config.engines.attempt_timeout_seconds * 1000,
      onEvent: this.opts.onEngineEvent,
    })
    let approved: boolean | null = null
    let quality: number | null = null
    let feedback: string | null = null
    if (result.ok && f.review !== false) {
      const review = await this.askCto(REVIEW_SYSTEM, reviewPrompt(this.opts.task, c.type, {model: model.name, text: result.text, tool_calls: result.tool_calls}), reviewReplySchema, 'review')
      if (review.ok) {
        ;({approved, quality, feedback} = review.value)
      } else {
        this.notes.push(`Review of ${model.name}'s attempt unavailable (${review.problem}): its engine success counts.`)
      }
    }
    if (result.permission_denials && result.permission_denials.length > 0) {
      this.notes.push(`${model.name}: Claude Code denied ${result.permission_denials.length} tool call(s): ${result.permission_denials.map((d) => d.tool_name).join(', ')}`)
    }
    const success = result.ok && approved !== false
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
    }
    this.attempts.push(view)

    if (success) {
      this.status = 'completed'
      this.output = result.text
      this.nextModel = undefined
    } else {
      this.feedback.push({model: model.name, feedback: feedback ?? (result.error ? `failed: ${result.error.message}` : 'rejected')})
      const escalate = () => {
        const decision = nextEscalation({
          failedModel: model.name,
          tried: this.attempts.map((a) => a.model),
          failedAttempts: this.attempts.length,
          type: c.type,
          models: this.routeModels,
          perf: this.perf,
          fallbackChains: {external: ['sonnet', 'opus'], ...this.opts.config.fallback_chain},
          budgets: this.opts.config.cost_optimization.enabled ? this.opts.config.cost_optimization.token_budget_per_day : undefined,
          maxAttempts: f.maxAttempts,
        })
        this.trace('escalation', {...decision})
        if (decision.kind === 'blocked') {
          this.status = 'blocked'
          this.blockedReason = decision.reason
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
    await this.recordAttempt(view, success, attemptId)
    return view
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
      success: view.ok,
      approved: view.approved ?? undefined,
      quality: view.quality ?? undefined,
      escalation_step: view.escalation_step,
      input_tokens: view.usage.input_tokens,
      output_tokens: view.usage.output_tokens,
      cost_usd: view.cost_usd,
      duration_ms: view.duration_ms,
      error_class: success ? undefined : (view.error?.code ?? (view.approved === false ? 'rejected' : undefined)),
      attempt_id: attemptId,
      user: this.opts.user,
    }
    try {
      await this.opts.record(record)
    } catch (error) {
      this.notes.push(`Could not record the attempt in the performance store: ${(error as Error).message}`)
    }
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
        candidates: (d?.candidates ?? []).map((x) => ({model: x.model, weight: x.weight, probability: x.probability})),
      },
      attempts: this.attempts,
      output: this.output,
      usage: add(workers, this.ctoUsage),
      cost_usd: this.attempts.reduce((s, a) => s + a.cost_usd, 0) + this.ctoCost,
      duration_ms: this.now() - this.started,
      cto: {model: this.opts.config.cto_model, calls: this.ctoCalls, usage: this.ctoUsage, cost_usd: this.ctoCost},
      blocked_reason: this.blockedReason,
      notes: this.notes,
    }
  }
}
