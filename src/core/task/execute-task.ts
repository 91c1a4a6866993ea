/**
 * `cto task` end to end: open the store, build the run with real engines — each attempt of a worker
 * that can change files in its own copy of the workspace (unless in place), verified by the
 * project's tests —, show progress, record, write the task log. The command stays thin; tests
 * drive TaskRun directly with fakes.
 */
import {randomUUID} from 'node:crypto'
import type {CtoContext} from '../context.js'
import type {EngineEvent} from '../engines/types.js'
import {randomFromSeed} from '../router/seeded-random.js'
import {cliEngineDeps} from './engine-deps.js'
import {runWithProgress} from './progress.js'
import {TaskLog} from './task-log.js'
import {TaskRun, type TaskRunOptions, type TaskResult} from './task-run.js'
import {createAttemptCopies, type AttemptPlace} from './attempt-place.js'
import {readableInSandbox} from './sandbox-readable.js'
import {createAttemptVerifier} from './attempt-verifier.js'
import {taskFolder} from '../workspace/task-folder.js'

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
}

export async function executeTask(o: ExecuteTaskOptions): Promise<TaskResult> {
  const {openStore} = await import('../store/perf-store.js')
  const {runEngine} = await import('../engines/index.js')
  const store = await openStore({env: o.ctx.env, onWarning: o.warn})
  const deps = cliEngineDeps({config: o.ctx.config, root: o.root, env: o.ctx.env, workspace: o.workspace})
  const secrets = o.ctx.models.map((m) => m.apiKey)
  let sink: ((e: EngineEvent) => void) | undefined
  const id = randomUUID()
  const log = new TaskLog(id, secrets)
  const workspace = o.workspace ?? o.ctx.cwd
  const review = o.ctx.config.review
  const taskDir = taskFolder(id, o.ctx.env)
  const inPlace = o.dryRun || o.inPlace === true || review.in_place
  const places = inPlace ? undefined : createAttemptCopies({workspace, taskDir, env: o.ctx.env, copyIgnored: review.copy_ignored})
  // An attempt in a copy gets tools (and Claude Code's hook) rooted at the copy, and may read the git objects it borrows.
  const configFor = (place: AttemptPlace) => ({...o.ctx.config, tools: readableInSandbox(o.ctx.config.tools, place.readOnlyPaths)})
  const depsFor = (place: AttemptPlace | undefined) => (place?.root ? cliEngineDeps({config: configFor(place), root: o.root, env: o.ctx.env, workspace: place.root}) : deps)
  const run = new TaskRun({
    id,
    task: o.task,
    config: o.ctx.config,
    models: o.ctx.models,
    perf: store,
    runEngine: (request, place) => runEngine(request, depsFor(place)),
    places,
    verify: inPlace ? undefined : ({place}) => createAttemptVerifier({config: configFor(place), env: o.ctx.env})({place}),
    taskDir,
    record: o.dryRun ? undefined : (attempt) => store.record(attempt),
    random: randomFromSeed(o.seed),
    workspace,
    flags: o.flags,
    onEngineEvent: (e) => sink?.(e),
    trace: (event, data) => {
      log.add(event, data)
      if (o.verbose && !o.json) process.stderr.write(`[${event}] ${JSON.stringify(data, null, 1).replace(/\n\s*/g, ' ')}\n`)
    },
  })
  log.add('task', {task: o.task, dry_run: o.dryRun, cto_model: o.ctx.config.cto_model, budgets: o.ctx.config.cost_optimization.token_budget_per_day, tokens_today: {claude: store.tokensToday('claude'), external: store.tokensToday('external')}})
  // A terminal that reports no width (some CI consoles, `script`) would wrap every character: plain lines there.
  const mode = o.json ? 'silent' : process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 ? 'tty' : 'simple'
  try {
    await runWithProgress(run, {mode, dryRun: o.dryRun, maxAttempts: o.flags.maxAttempts ?? 3, setEventSink: (s) => (sink = s)})
  } finally {
    if (run.classification) log.add('result', {...run.result(), output: undefined})
    if (!o.dryRun) {
      const problem = await log.flush(o.ctx.env)
      if (problem) o.warn(problem)
    }
  }
  return run.result()
}
