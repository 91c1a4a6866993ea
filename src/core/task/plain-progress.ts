/**
 * Progress as plain lines on stderr, for a stderr that is not a terminal (a pipe, a CI log, a
 * file): `❯ Classify`, `✔ Classify · …`, a `› ` line per tool call, `✖ Attempt 1 · …` for an attempt
 * that failed or was rejected. The lines listr2's simple renderer would print, without loading
 * listr2. The answer itself goes to stdout (src/commands/task.ts).
 */
import {terminalText} from '../cli/terminal-text.js'
import {toolCallLine} from './tool-call-line.js'
import {attemptTitle, classifyTitle, routeTitle, type ProgressOptions} from './progress.js'
import type {TaskRun} from './task-run.js'

export async function runPlain(run: TaskRun, opts: ProgressOptions, out: NodeJS.WritableStream = process.stderr): Promise<void> {
  const line = (text: string) => {
    opts.beforeLine?.()
    out.write(`${terminalText(text)}\n`)
  }
  const step = async <T>(name: string, fn: () => Promise<T> | T, title: (value: T) => string): Promise<T> => {
    line(`❯ ${name}`)
    try {
      const value = await fn()
      line(`✔ ${title(value)}`)
      return value
    } catch (error) {
      // The error itself follows at once, from the command (`Error: …` with its fixes): said once.
      line(`✖ ${name}`)
      throw error
    }
  }
  await step('Classify', () => run.classify(), (c) => classifyTitle(c, (m) => run.canRun(m)))
  await step('Route', () => run.route(), routeTitle)
  while (!opts.dryRun && run.pending && run.attempts.length < opts.maxAttempts) {
    const i = run.attempts.length
    line(`❯ Attempt ${i + 1}`)
    opts.setEventSink((e) => {
      if (e.type === 'tool_call') line(`› → ${toolCallLine(e.name, e.input, e.summary, opts.secrets)}`)
      else if (e.type === 'tool_result' && !e.ok) line(`›   ✗ ${e.refused ? 'refused' : 'failed'}: ${e.summary}`)
      else if (e.type === 'retry') line(`› retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)}s: ${e.reason}`)
    })
    let a
    try {
      a = await run.attempt((model) => line(`› ${model}`))
    } finally {
      opts.setEventSink(undefined)
    }
    if (!a) break
    const {title, failed} = attemptTitle(i, a)
    line(`${failed ? '✖' : '✔'} ${title}`)
    if (a.feedback && a.approved === false) line(`› ${a.feedback}`)
  }
}
