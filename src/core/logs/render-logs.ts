/**
 * `cto logs` for people, in the manner of `llm logs`: a heading per task (time, id, status), a
 * line with the model, type, tokens, cost and time, the attempts, then the task and the answer.
 */
import {formatSeconds, formatTokens, formatUsd} from '../cli/format.js'
import type {LogAttempt, LogEntry} from './task-log-reader.js'

function attemptLine(a: LogAttempt): string {
  const how = a.cancelled
    ? 'cancelled'
    : a.unavailable
      ? `unusable (${a.unavailable.code})`
      : !a.ok
        ? `failed (${a.error?.code ?? 'error'})`
        : a.approved === false
          ? `rejected (quality ${a.quality})`
          : a.approved
            ? `approved (quality ${a.quality})`
            : a.feedback
              ? 'not applied (tests failed, not reviewed)'
              : 'done'
  const refused = a.refused_tool_calls?.length ? `, ${a.refused_tool_calls.length} tool call${a.refused_tool_calls.length === 1 ? '' : 's'} refused` : ''
  return `${a.model} ${how}${refused}`
}

export function renderLogEntry(e: LogEntry, opts: {truncate?: number} = {}): string {
  const cut = (s: string) => (opts.truncate && s.length > opts.truncate ? `${s.slice(0, opts.truncate)}… [${s.length - opts.truncate} more characters]` : s)
  const head = `# ${e.time.slice(0, 19).replace('T', ' ')}  ${e.id}  ${e.status}`
  const kind = e.type ? `${e.type}, ${e.complexity}` : 'not classified'
  const facts = [`Model: ${e.model ?? '-'}`, kind, formatTokens(e.usage), formatUsd(e.cost_usd), ...(e.duration_ms === null ? [] : [formatSeconds(e.duration_ms)])].join(' · ')
  const lines = [head, '', facts]
  if (e.attempts.length > 0) lines.push(`Attempts: ${e.attempts.map(attemptLine).join(' → ')}`)
  if (e.blocked_reason) lines.push(`Blocked: ${e.blocked_reason}`)
  if (e.error) lines.push(`Failed: ${e.error.message}`)
  for (const n of e.notes) lines.push(`Note: ${n}`)
  lines.push('', '## Task', '', cut(e.task.trimEnd()), '', '## Answer', '', e.answer ? cut(e.answer.trimEnd()) : e.status === 'incomplete' ? '(no result was logged: the process ended before the task did)' : '(no answer)')
  return lines.join('\n')
}
