/**
 * Live progress of a task with listr2: a line per phase and per attempt, with model, elapsed time
 * and tokens. The default renderer in a terminal, the simple one otherwise, silent under --json.
 * Progress goes to stderr so stdout keeps only the answer (or the JSON document).
 */
import {formatSeconds, formatTokens} from '../cli/format.js'
import type {EngineEvent} from '../engines/types.js'
import type {TaskRun} from './task-run.js'
import {evidenceLine} from './render.js'

export type ProgressMode = 'tty' | 'simple' | 'silent'

const secs = formatSeconds
const tokens = formatTokens

export interface ProgressOptions {
  mode: ProgressMode
  dryRun: boolean
  maxAttempts: number
  /** Where the run's engine events go: the progress layer points it at the current line. */
  setEventSink: (sink: ((e: EngineEvent) => void) | undefined) => void
  now?: () => number
}

/** The same steps without any display (--json): listr2 is not even loaded. */
async function runQuietly(run: TaskRun, opts: ProgressOptions): Promise<void> {
  await run.classify()
  run.route()
  while (!opts.dryRun && run.pending && run.attempts.length < opts.maxAttempts) await run.attempt()
}

export async function runWithProgress(run: TaskRun, opts: ProgressOptions): Promise<void> {
  if (opts.mode === 'silent') return runQuietly(run, opts)
  const {Listr, ListrLogger, ProcessOutput} = await import('listr2')
  const now = opts.now ?? Date.now
  const logger = new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})
  const attemptTasks = Array.from({length: opts.maxAttempts}, (_, i) => ({
    title: `Attempt ${i + 1}`,
    enabled: () => !opts.dryRun && run.pending && run.attempts.length === i,
    task: async (_ctx: unknown, task: {title: string; output: string}) => {
      const started = now()
      let model = ''
      const tick = setInterval(() => {
        task.title = `Attempt ${i + 1} · ${model} · ${secs(now() - started)}`
      }, 500)
      opts.setEventSink((e) => {
        if (e.type === 'tool_call') task.output = `${e.name} ${e.summary}`
        else if (e.type === 'tool_result' && !e.ok) task.output = `${e.name} refused/failed: ${e.summary}`
        else if (e.type === 'retry') task.output = `retry ${e.attempt} in ${secs(e.delayMs)}: ${e.reason}`
        else if (e.type === 'turn') task.output = `turn ${e.turn}`
      })
      try {
        const a = await run.attempt((m) => {
          model = m
          task.title = `Attempt ${i + 1} · ${m}`
        })
        if (!a) return
        const verdict = !a.ok ? `failed: ${a.error?.code ?? 'error'}` : a.approved === false ? `rejected (quality ${a.quality})` : a.approved ? `approved (quality ${a.quality})` : 'done (not reviewed)'
        task.title = `Attempt ${i + 1} · ${a.model} · ${secs(a.duration_ms)} · ${tokens(a.usage)}${evidenceLine(a)} · ${verdict}`
        if (a.feedback && a.approved === false) task.output = a.feedback
      } finally {
        clearInterval(tick)
        opts.setEventSink(undefined)
      }
    },
  }))
  const list = new Listr(
    [
      {
        title: 'Classify',
        task: async (_ctx: unknown, task: {title: string}) => {
          const c = await run.classify()
          task.title = `Classify · ${c.type}, ${c.complexity} · CTO picks ${c.model} (${c.source})`
        },
      },
      {
        title: 'Route',
        task: async (_ctx: unknown, task: {title: string}) => {
          const d = run.route()
          task.title = d.overridden ? `Route · ${d.cto_choice} → ${d.selected} · ${d.override_reason}` : `Route · ${d.selected} (${d.override_reason ?? 'CTO choice kept'})`
        },
      },
      ...attemptTasks,
    ],
    {
      concurrent: false,
      exitOnError: true,
      renderer: opts.mode === 'tty' ? 'default' : 'simple',
      fallbackRenderer: 'simple',
      rendererOptions: {logger, collapseSubtasks: false, timer: undefined},
      fallbackRendererOptions: {logger},
    } as never,
  )
  await list.run()
}
