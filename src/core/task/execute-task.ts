/**
 * `cto task` end to end: open the store, build the run with real engines — each attempt of a worker
 * that can change files in its own copy of the workspace (unless in place), verified by the
 * project's tests —, show progress, record, write the task log. The command stays thin; tests
 * drive TaskRun directly with fakes.
 */
import {randomUUID} from 'node:crypto'
import {CtoError} from '../errors.js'
import type {CtoContext} from '../context.js'
import type {EngineEvent} from '../engines/types.js'
import {randomFromSeed} from '../router/seeded-random.js'
import {MemoryCascadeStats, cascadeStateFromJson, type CascadeStateJson} from '../router/cascade-stats.js'
import {cliEngineDeps} from './engine-deps.js'
import {progressMode, runWithProgress} from './progress.js'
import {TaskLog} from './task-log.js'
import {TaskRun, type TaskRunOptions, type TaskResult} from './task-run.js'
import {createAttemptCopies, type AttemptPlace} from './attempt-place.js'
import {taskFolder} from '../workspace/task-folder.js'
import {modelAvailability} from '../availability/model-availability.js'
import {SpendLedger, withSpend} from '../budget/spend-ledger.js'
import {watchInterrupts} from '../cli/interrupt.js'

export interface ExecuteTaskOptions {
  ctx: CtoContext
  root: string
  task: string
  dryRun: boolean
  json: boolean
  verbose: boolean
  seed?: number
  flags: NonNullable<TaskRunOptions['flags']>
  workspace?: string
  /** Workers act in the workspace itself (no copy, no diff, no verification), as before issue 11. */
  inPlace?: boolean
  warn: (message: string) => void
  /** The worker's answer as it streams (step: which attempt); unset: progress shows it (or nothing, under --json). */
  onAnswer?: (delta: string, step: number) => void
  /**
   * What streamed of the attempt's answer so far is over: the worker calls a tool or starts a new
   * turn (its next text is a new piece), or the call is tried again from the start (the text already shown is
   * not continued). The receiver ends the line, so pieces are never glued into one ("first.Done.").
   */
  onAnswerBreak?: (step: number) => void
  /**
   * A progress line is about to go to stderr. Where stdout and stderr share a screen (a terminal too
   * narrow for listr2, `cto task … >log 2>&1`), the receiver ends a partial line of the streamed
   * answer first, so the two never run together ("…passes.✔ Attempt 1").
   */
  onProgressLine?: () => void
}

export async function executeTask(o: ExecuteTaskOptions): Promise<TaskResult> {
  const {openTaskStore} = await import('../store/open-perf-store.js')
  const {resolveStoreSettings} = await import('../store/store-settings.js')
  const {recordingUser} = await import('../store/identity.js')
  const user = recordingUser(o.ctx.env)
  const settings = resolveStoreSettings(o.ctx.env, o.ctx.config.store, o.ctx.sources['store.url'])
  // Under --json warnings are not printed: the store's (database unreachable, spool delivered) go into the result's notes.
  const storeNotes: string[] = []
  const onWarning = (m: string) => {
    o.warn(m)
    if (o.json) storeNotes.push(m)
  }
  // Budgets count every token cto spends: the store's attempts plus the ledger's CTO calls and cut-short attempts
  // (the ledger is this machine's: on a team store, other members' CTO calls are not in it).
  const [store, ledger, availability] = await Promise.all([
    openTaskStore({settings, env: o.ctx.env, user, onWarning}),
    SpendLedger.open({env: o.ctx.env}),
    modelAvailability(o.ctx.models, o.ctx.env),
  ])
  const perf = withSpend(store, ledger)
  const interrupt = watchInterrupts({note: (m) => process.stderr.write(`\n${m}\n`)})
  const deps = cliEngineDeps({config: o.ctx.config, root: o.root, env: o.ctx.env, workspace: o.workspace})
  const {storeUrlPassword} = await import('../store/store-settings.js')
  const secrets = [...o.ctx.models.map((m) => m.apiKey), storeUrlPassword(settings.url)]
  let sink: ((e: EngineEvent) => void) | undefined
  const id = randomUUID()
  const log = new TaskLog(id, secrets)
  const workspace = o.workspace ?? o.ctx.cwd
  const review = o.ctx.config.review
  const taskDir = taskFolder(id, o.ctx.env)
  const inPlace = o.dryRun || o.inPlace === true || review.in_place
  const places = inPlace ? undefined : createAttemptCopies({workspace, taskDir, env: o.ctx.env, copyIgnored: review.copy_ignored})
  // An attempt in a copy gets tools (and Claude Code's hook) rooted at the copy, and may read the git objects it borrows.
  // (Loaded when an attempt runs: the tool policy's schema loads zod, which a dry run never needs.)
  const configFor = async (place: AttemptPlace) => {
    const {readableInSandbox} = await import('./sandbox-readable.js')
    return {...o.ctx.config, tools: readableInSandbox(o.ctx.config.tools, place.readOnlyPaths)}
  }
  const depsFor = async (place: AttemptPlace | undefined) => (place?.root ? cliEngineDeps({config: await configFor(place), root: o.root, env: o.ctx.env, workspace: place.root}) : deps)
  const run = new TaskRun({
    id,
    task: o.task,
    config: o.ctx.config,
    models: o.ctx.models,
    perf,
    // The engines load with the first call: a dry run on the heuristic makes none.
    runEngine: async (request, place) => (await import('../engines/index.js')).runEngine(request, await depsFor(place)),
    places,
    verify: inPlace
      ? undefined
      : async ({place}) => {
          const {createAttemptVerifier} = await import('./attempt-verifier.js')
          return createAttemptVerifier({config: await configFor(place), env: o.ctx.env})({place})
        },
    taskDir,
    signal: interrupt.signal,
    unavailable: availability.unavailable,
    observe: async ({role, model, result, cancelled, setup}) => {
      try {
        if (setup) await availability.log.recordProblem(model, setup)
        else if (result.ok) await availability.log.recordWorking(model)
        // The store records the workers' attempts; everything else cto spent goes to the ledger.
        if (role === 'cto' || cancelled || setup) {
          await ledger.add({task_id: id, kind: role === 'cto' ? 'cto' : cancelled ? 'cancelled' : 'unavailable', model: model.name, group: model.group, ...result.usage, cost_usd: result.cost_usd})
        }
      } catch (error) {
        o.warn(`Could not record the spend or availability of ${model.name}: ${(error as Error).message}`)
      }
    },
    record: o.dryRun ? undefined : (attempt) => store.record(attempt),
    dryRun: o.dryRun,
    // What the router learned from every recorded attempt, kept by the store.
    learned: learnedFrom(store),
    budget: store.budget,
    user,
    random: randomFromSeed(o.seed),
    workspace,
    flags: o.flags,
    onEngineEvent: (e) => {
      if (e.type === 'text' && o.onAnswer) o.onAnswer(e.delta, run.attempts.length)
      else if ((e.type === 'turn' || e.type === 'tool_call' || e.type === 'retry') && o.onAnswerBreak) o.onAnswerBreak(run.attempts.length)
      sink?.(e)
    },
    trace: (event, data) => {
      log.add(event, data)
      if (o.verbose && !o.json) process.stderr.write(`[${event}] ${JSON.stringify(data, null, 1).replace(/\n\s*/g, ' ')}\n`)
    },
  })
  log.add('task', {task: o.task, dry_run: o.dryRun, cto_model: o.ctx.config.cto_model, budgets: o.ctx.config.cost_optimization.token_budget_per_day, tokens_today: {claude: perf.tokensToday('claude'), external: perf.tokensToday('external')}, unavailable: Object.fromEntries(availability.unavailable)})
  const mode = progressMode(o.json)
  let failure: unknown
  try {
    await runWithProgress(run, {mode, dryRun: o.dryRun, maxAttempts: o.flags.maxAttempts ?? 3, setEventSink: (s) => (sink = s), answerInline: !o.onAnswer, beforeLine: o.onProgressLine, secrets})
  } catch (error) {
    failure = error
    throw error
  } finally {
    interrupt.dispose()
    await store.close()
    run.notes.push(...storeNotes)
    // The whole result, answer included: `cto logs` reads it back. A task that ended in an error
    // before it finished (no model could take it, a crash) is logged as failed with the error, not
    // as "planned", the status it had when the error came.
    if (run.classification) log.add('result', {...run.result(), ...failedWith(run.result().status, failure)})
    if (!o.dryRun) {
      const problem = await log.flush(o.ctx.env)
      if (problem) o.warn(problem)
    }
  }
  return run.result()
}

/** The status and error a task's log line gets when an error ended it before it finished. */
function failedWith(status: TaskResult['status'], failure: unknown): {status: 'failed'; error: {code: string; message: string}} | undefined {
  if (failure === undefined || status !== 'planned') return undefined
  const code = CtoError.isInstance(failure) ? failure.code : 'INTERNAL'
  return {status: 'failed', error: {code, message: failure instanceof Error ? failure.message : String(failure)}}
}

/** The store's learned cascade state as the router's reader (empty before any attempt). */
function learnedFrom(store: {cascade(): CascadeStateJson | null}): MemoryCascadeStats {
  const json = store.cascade()
  if (!json) return new MemoryCascadeStats()
  try {
    return new MemoryCascadeStats({state: cascadeStateFromJson(json)})
  } catch (error) {
    throw new CtoError({
      code: 'PERF_STORE_CASCADE_UNREADABLE',
      message: `The router's learned state in the performance store can't be read: ${(error as Error).message}. Nothing was run.`,
      actions: ['Rebuild it from the recorded attempts: cto perf check --repair'],
    })
  }
}
