/**
 * `cto task` end to end: open the store, build the run with real engines, show progress, record,
 * write the task log. The command stays thin; tests drive TaskRun directly with fakes.
 */
import {randomUUID} from 'node:crypto'
import type {CtoContext} from '../context.js'
import type {EngineEvent} from '../engines/types.js'
import {randomFromSeed} from '../router/seeded-random.js'
import {cliEngineDeps} from './engine-deps.js'
import {runWithProgress} from './progress.js'
import {TaskLog} from './task-log.js'
import {TaskRun, type TaskRunOptions, type TaskResult} from './task-run.js'

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
  warn: (message: string) => void
}

export async function executeTask(o: ExecuteTaskOptions): Promise<TaskResult> {
  const {openTaskStore} = await import('../store/open-perf-store.js')
  const {resolveStoreSettings} = await import('../store/store-settings.js')
  const {recordingUser} = await import('../store/identity.js')
  const {runEngine} = await import('../engines/index.js')
  const user = recordingUser(o.ctx.env)
  const settings = resolveStoreSettings(o.ctx.env, o.ctx.config.store, o.ctx.sources['store.url'])
  // Under --json warnings are not printed: the store's (database unreachable, spool delivered) go into the result's notes.
  const storeNotes: string[] = []
  const store = await openTaskStore({
    settings,
    env: o.ctx.env,
    user,
    onWarning: (m) => {
      o.warn(m)
      if (o.json) storeNotes.push(m)
    },
  })
  const deps = cliEngineDeps({config: o.ctx.config, root: o.root, env: o.ctx.env, workspace: o.workspace})
  const {storeUrlPassword} = await import('../store/store-settings.js')
  const secrets = [...o.ctx.models.map((m) => m.apiKey), storeUrlPassword(settings.url)]
  let sink: ((e: EngineEvent) => void) | undefined
  const id = randomUUID()
  const log = new TaskLog(id, secrets)
  const run = new TaskRun({
    id,
    task: o.task,
    config: o.ctx.config,
    models: o.ctx.models,
    perf: store,
    runEngine: (request) => runEngine(request, deps),
    record: o.dryRun ? undefined : (attempt) => store.record(attempt),
    budget: store.budget,
    user,
    random: randomFromSeed(o.seed),
    workspace: o.workspace ?? o.ctx.cwd,
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
    await store.close()
    run.notes.push(...storeNotes)
    if (run.classification) log.add('result', {...run.result(), output: undefined})
    if (!o.dryRun) {
      const problem = await log.flush(o.ctx.env)
      if (problem) o.warn(problem)
    }
  }
  return run.result()
}
