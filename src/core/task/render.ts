/** How a task's result reads for people (the --json form is the TaskResult itself). */
import {clause} from '../cli/clause.js'
import {formatSeconds, formatTokens, formatUsd} from '../cli/format.js'
import type {AttemptView, TaskResult} from './task-run.js'

const money = formatUsd
const secs = formatSeconds
const tok = formatTokens
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** `--explain`: the plan and the candidates behind the route (printed before the summary, a blank line between). */
export function renderExplain(r: TaskResult): string {
  const lines: string[] = []
  const plan = r.route.plan
  if (!plan) return 'Plan: none (--model skipped routing).'
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`
  lines.push(`Plan (learned cascade; cost weight ${plan.cost_weight}, reference ${money(plan.reference_cost_usd)}/call):`)
  lines.push(`  ${plan.steps.join(' → ') || '(nothing can run)'}: expected accuracy ${pct(plan.expected_accuracy)}, expected cost ${money(plan.expected_cost_usd)}${plan.expected_review_cost_usd > 0 ? ` (+ ${money(plan.expected_review_cost_usd)} of CTO reviews)` : ''}`)
  lines.push(`  evidence: ${plan.evidence.first} first attempts and ${plan.evidence.after} attempts after a failure recorded for ${r.classification.type}`)
  const after = r.route.after_failure
  if (after?.by === 'chain' && after.chain) {
    // The plan's later steps are what the planner would pick; until the store has evidence, a failure follows the chain.
    lines.push(
      `  after a failure: the fallback chain ${r.route.selected} → ${after.chain.join(' → ')} decides instead of the steps above (the expected figures are theirs) until the store has ${after.needed} ${r.classification.type} attempts after a failure (it has ${after.escalations}); the plan decides where no step of the chain can run`,
    )
  }
  const shown = r.route.candidates.length > 0 ? r.route.candidates : plan.candidates
  const learning = plan.exploration === 'value' && r.route.candidates.length > 0
  lines.push(r.route.candidates.length > 0 ? `Candidates for the first attempt (predicted success, ${plan.sampled ? 'Thompson draw, ' : learning ? 'what trying it is worth to later tasks in expected accuracy, ' : ''}cost per call, attempts as a first try):` : "The CTO's choice stood (predicted success, cost per call, attempts as a first try):")
  const width = Math.max(...shown.map((c) => c.model.length))
  for (const c of shown) {
    const draw = plan.sampled ? `  draw ${pct(c.sampled_success).padStart(6)}` : learning ? `  learning +${c.learning_value.toFixed(3)}` : ''
    const words = Math.abs(c.text_shift) >= 0.005 ? `  words ${c.text_shift > 0 ? '+' : ''}${c.text_shift.toFixed(2)}` : ''
    lines.push(`  ${c.model.padEnd(width)}  ${pct(c.predicted_success).padStart(6)}${draw}  ${money(c.cost_usd).padStart(9)}  ${String(c.attempts).padStart(5)} attempts${words}${c.model === r.route.selected ? '  ← chosen' : ''}`)
  }
  return lines.join('\n')
}

function verdict(a: AttemptView): string {
  // A provider reports tokens when its answer ends: a call cut off mid-answer has no count yet ("0 tokens" said none were spent).
  if (a.cancelled) return a.usage.input_tokens + a.usage.output_tokens > 0 ? 'cancelled (interrupted), tokens so far' : 'cancelled (interrupted) before the provider reported any tokens'
  if (a.unavailable) return `can't be used, not counted as ${a.model}'s failure: ${a.unavailable.reason}`
  if (!a.ok) return `failed (${a.error?.code}): ${clause(a.error?.message ?? 'unknown error', a.model)}`
  if (a.approved === false) return `rejected, quality ${a.quality}: ${a.feedback}`
  // Not reviewed, yet it has feedback: the review was unavailable and its tests failed (task-run.ts).
  if (a.approved === null && a.feedback) return `not applied: ${a.feedback}`
  return a.approved ? `approved, quality ${a.quality}` : 'done, not reviewed'
}

export interface SummaryOptions {
  /** The answer went to stdout already, as it streamed: don't print it again. */
  answerShown?: boolean
}

export function renderTaskSummary(r: TaskResult, opts: SummaryOptions = {}): string {
  const c = r.classification
  const lines: string[] = []
  if (r.output && !opts.answerShown) lines.push(r.output.trimEnd(), '')
  lines.push(`Classification  ${c.type}, ${c.complexity} (${c.source === 'cto' ? `CTO ${r.cto.model}` : c.source})${c.reason ? `: ${c.reason}` : ''}`)
  const route = r.route.cto_choice === r.route.selected ? `${r.route.selected} (CTO choice kept)` : `${r.route.cto_choice} → ${r.route.selected}`
  lines.push(`Route           ${route}${r.route.override_reason ? ` · ${r.route.override_reason}` : ''}`)
  for (const [i, a] of r.attempts.entries()) {
    lines.push(`Attempt ${i + 1}       ${a.model} · ${secs(a.duration_ms)} · ${tok(a.usage)} · ${money(a.cost_usd)}${evidenceLine(a)} · ${verdict(a)}`)
    for (const t of a.refused_tool_calls) lines.push(`  refused       ${t.summary}: ${t.reason}`)
  }
  const applied = r.attempts.find((a) => a.change?.applied === true)?.change
  if (applied) lines.push(`Applied         ${applied.files.map((f) => f.path).join(', ')} (+${applied.lines_added} −${applied.lines_removed}) to your folder`)
  else if (r.status === 'completed' && r.attempts.at(-1)?.workspace === 'copy') lines.push('Applied         nothing: the approved attempt changed no files')
  if (r.task_dir) lines.push(`Kept            ${r.task_dir} (each attempt's patch, diff and test output)`)
  const refused = r.attempts.reduce((n, a) => n + a.refused_tool_calls.length, 0)
  const refusedNote = refused > 0 ? ` · ${plural(refused, 'tool call')} refused (did not happen)` : ''
  if (r.status === 'planned') {
    const asked = r.cto.calls > 0 ? `; classifying asked the CTO ${r.cto.model}: ${tok(r.cto.usage)}, ${money(r.cto.cost_usd)} (counted in today's budget)` : '; no model was asked'
    lines.push(`Dry run         no worker ran and nothing went into the performance store${asked}.`)
  } else if (r.status === 'conflict') {
    lines.push(`Result          conflict (approved, not applied) · ${tok(r.usage)} · ${money(r.cost_usd)} · ${secs(r.duration_ms)}${refusedNote}`)
  } else {
    const why = r.status !== 'cancelled' ? '' : r.attempts.length > 0 ? ' (interrupted: the attempt so far is in the task log)' : ' (interrupted before any worker ran)'
    lines.push(`Result          ${r.status}${why} · ${tok(r.usage)} · ${money(r.cost_usd)} · ${secs(r.duration_ms)}${refusedNote}`)
    // On a line of its own: a reason names models and endpoints (with brackets of its own) and the fix.
    if (r.blocked_reason) lines.push(`Blocked         ${r.blocked_reason}`)
  }
  for (const n of r.notes) lines.push(`Note            ${n}`)
  return lines.join('\n')
}

/** ` · 2 files +5 −1 · tests passed` for an attempt that ran in a copy. */
export function evidenceLine(a: AttemptView): string {
  const parts: string[] = []
  if (a.change) parts.push(a.change.files_changed === 0 ? 'no files changed' : `${a.change.files_changed} file${a.change.files_changed === 1 ? '' : 's'} +${a.change.lines_added} −${a.change.lines_removed}`)
  const v = a.verification
  if (v?.ran) parts.push(v.passed ? 'tests passed' : v.timed_out ? 'tests timed out' : `tests failed (exit ${v.exit_code})`)
  else if (v && v.reason?.startsWith('no test command')) parts.push('no tests found')
  return parts.map((p) => ` · ${p}`).join('')
}
