/**
 * Live progress of a task with listr2: a line per phase and per attempt, with model, elapsed time
 * and tokens. The default renderer in a terminal, the simple one otherwise, silent under --json.
 * Progress goes to stderr so stdout keeps only the answer (or the JSON document).
 */
import {formatSeconds, formatTokens} from '../cli/format.js'
import {terminalText} from '../cli/terminal-text.js'
import type {EngineEvent} from '../engines/types.js'
import type {RouteDecision} from '../router/select-route.js'
import type {AttemptView, Classification, TaskRun} from './task-run.js'
import {toolCallLine} from './tool-call-line.js'
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
  /** Show the worker's answer as it streams, under the attempt's line (when it doesn't go to stdout). */
  answerInline?: boolean
  /** Called before each plain progress line (the streamed answer's partial line ends first). */
  beforeLine?: () => void
  /** Keys to mask in tool-call lines. */
  secrets?: Array<string | undefined>
}

/** Where progress goes: a terminal that reports no width (some CI consoles, `script`) would wrap every character, so plain lines there. */
export function progressMode(json: boolean): ProgressMode {
  return json ? 'silent' : process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 ? 'tty' : 'simple'
}

/** How an attempt ended, in a few words: the line's title, and why it is marked failed. */
export function attemptVerdict(a: AttemptView): {text: string; failed: boolean} {
  const refused = a.refused_tool_calls.length > 0 ? ` · ${a.refused_tool_calls.length} tool call${a.refused_tool_calls.length === 1 ? '' : 's'} refused` : ''
  if (a.cancelled) return {text: 'cancelled (interrupted)', failed: true}
  if (a.unavailable) return {text: `can't be used: ${a.unavailable.reason}`, failed: true}
  if (!a.ok) return {text: `failed: ${a.error?.code ?? 'error'}`, failed: true}
  if (a.approved === false) return {text: `rejected (quality ${a.quality})${refused}`, failed: true}
  if (a.approved === null && a.feedback) return {text: `not reviewed, tests failed: not applied${refused}`, failed: true}
  return {text: `${a.approved ? `approved (quality ${a.quality})` : 'done (not reviewed)'}${refused}`, failed: false}
}

/**
 * The classification's line. Without a CTO the heuristic's pick is shown only when it can run: it
 * is the ladder's model of the task's tier (haiku for a simple task), which on a machine without
 * Claude Code is not where the task goes; the Route line right after says where it does.
 */
export function classifyTitle(c: Classification, canRun: (model: string) => boolean = () => true): string {
  if (c.source === 'heuristic') return `Classify · ${c.type}, ${c.complexity} · ${canRun(c.model) ? `heuristic picks ${c.model} (no CTO)` : 'heuristic, no CTO'}`
  return `Classify · ${c.type}, ${c.complexity} · CTO picks ${c.model} (${c.source})`
}

export function routeTitle(d: RouteDecision): string {
  return d.overridden ? `Route · ${d.cto_choice} → ${d.selected} · ${d.override_reason}` : `Route · ${d.selected} (${d.override_reason ?? 'CTO choice kept'})`
}

export function attemptTitle(i: number, a: AttemptView): {title: string; failed: boolean} {
  const verdict = attemptVerdict(a)
  return {title: `Attempt ${i + 1} · ${a.model} · ${secs(a.duration_ms)} · ${tokens(a.usage)}${evidenceLine(a)} · ${verdict.text}`, failed: verdict.failed}
}

/** The same steps without any display (--json): listr2 is not even loaded. */
async function runQuietly(run: TaskRun, opts: ProgressOptions): Promise<void> {
  await run.classify()
  run.route()
  while (!opts.dryRun && run.pending && run.attempts.length < opts.maxAttempts) await run.attempt()
}

export async function runWithProgress(run: TaskRun, opts: ProgressOptions): Promise<void> {
  if (opts.mode === 'silent') return runQuietly(run, opts)
  // Plain lines need no renderer: listr2 (a tenth of a dry run's start-up) loads for a terminal only.
  if (opts.mode === 'simple') return (await import('./plain-progress.js')).runPlain(run, opts)
  const {Listr, ListrLogger, ProcessOutput} = await import('listr2')
  const now = opts.now ?? Date.now
  const logger = new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})
  // An error from the run itself (not an attempt that failed): attempt lines don't stop the list on
  // errors, so it is kept, no further attempt starts, and it is thrown once the list is done.
  let runError: {error: unknown} | undefined
  const attemptTasks = Array.from({length: opts.maxAttempts}, (_, i) => ({
    title: `Attempt ${i + 1}`,
    enabled: () => !runError && !opts.dryRun && run.pending && run.attempts.length === i,
    // A failed or rejected attempt is marked ✖, and the next one still runs.
    exitOnError: false,
    rendererOptions: {outputBar: 8, persistentOutput: false},
    task: async (_ctx: unknown, task: {title: string; output: string}) => {
      const started = now()
      let model = ''
      const tick = setInterval(() => {
        task.title = `Attempt ${i + 1} · ${model} · ${secs(now() - started)}`
      }, 500)
      // The answer, a whole line at a time (a partial line would be shown again with every delta).
      let partial = ''
      opts.setEventSink((e) => {
        // A tool call, a new turn or a retry ends what streamed of the answer so far: its last
        // partial line is shown as it is, not glued to the next piece.
        if ((e.type === 'tool_call' || e.type === 'turn' || e.type === 'retry') && partial && opts.answerInline) {
          task.output = terminalText(`  ${partial}`)
          partial = ''
        }
        if (e.type === 'tool_call') task.output = `→ ${toolCallLine(e.name, e.input, e.summary, opts.secrets)}`
        else if (e.type === 'tool_result' && !e.ok) task.output = terminalText(`  ✗ ${e.refused ? 'refused' : 'failed'}: ${e.summary}`)
        else if (e.type === 'retry') task.output = terminalText(`retry ${e.attempt} in ${secs(e.delayMs)}: ${e.reason}`)
        else if (e.type === 'text' && opts.answerInline) {
          const lines = (partial + e.delta).split('\n')
          partial = lines.pop() ?? ''
          for (const line of lines) task.output = terminalText(`  ${line}`)
        }
      })
      try {
        const a = await run
          .attempt((m) => {
            model = m
            task.title = `Attempt ${i + 1} · ${m}`
          })
          .catch((error: unknown) => {
            runError = {error}
            throw error
          })
        if (!a) return
        const {title, failed} = attemptTitle(i, a)
        task.title = terminalText(title)
        if (a.feedback && a.approved === false) task.output = terminalText(a.feedback)
        if (failed) throw new Error(title)
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
          task.title = classifyTitle(await run.classify(), (m) => run.canRun(m))
        },
      },
      {
        title: 'Route',
        task: async (_ctx: unknown, task: {title: string}) => {
          task.title = routeTitle(run.route())
        },
      },
      ...attemptTasks,
    ],
    {
      concurrent: false,
      exitOnError: true,
      // Ctrl-C is ours to handle (src/core/cli/interrupt.ts): listr2's own handler exited 127.
      registerSignalListeners: false,
      renderer: opts.mode === 'tty' ? 'default' : 'simple',
      fallbackRenderer: 'simple',
      // A step that throws keeps its title: the command prints the error (with its fixes) right after.
      rendererOptions: {logger, collapseSubtasks: false, timer: undefined, showErrorMessage: false},
      fallbackRendererOptions: {logger},
    } as never,
  )
  await list.run()
  if (runError) throw runError.error
}
