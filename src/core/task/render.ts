/** How a task's result reads for people (the --json form is the TaskResult itself). */
import {formatSeconds, formatTokens, formatUsd} from '../cli/format.js'
import type {TaskResult} from './task-run.js'

const money = formatUsd
const secs = formatSeconds
const tok = formatTokens

export function renderExplain(r: TaskResult, withWeights: boolean): string {
  const lines: string[] = []
  if (withWeights && r.route.candidates.length > 0) {
    lines.push('Candidates (weight, chance):')
    const width = Math.max(...r.route.candidates.map((c) => c.model.length))
    for (const c of [...r.route.candidates].sort((a, b) => b.weight - a.weight)) {
      lines.push(`  ${c.model.padEnd(width)}  ${c.weight.toFixed(4)}  ${(c.probability * 100).toFixed(1)}%${c.model === r.route.selected ? '  ← chosen' : ''}`)
    }
  } else if (withWeights) {
    lines.push('Candidates: none weighed (the CTO choice stood).')
  }
  return lines.join('\n')
}

export function renderTaskSummary(r: TaskResult): string {
  const c = r.classification
  const lines: string[] = []
  if (r.output) lines.push(r.output.trimEnd(), '')
  lines.push(`Classification  ${c.type}, ${c.complexity} (${c.source === 'cto' ? `CTO ${r.cto.model}` : c.source})${c.reason ? `: ${c.reason}` : ''}`)
  const route = r.route.cto_choice === r.route.selected ? `${r.route.selected} (CTO choice kept)` : `${r.route.cto_choice} → ${r.route.selected}`
  lines.push(`Route           ${route}${r.route.override_reason ? ` · ${r.route.override_reason}` : ''}`)
  for (const [i, a] of r.attempts.entries()) {
    const verdict = !a.ok ? `failed (${a.error?.code}: ${a.error?.message})` : a.approved === false ? `rejected, quality ${a.quality}: ${a.feedback}` : a.approved ? `approved, quality ${a.quality}` : 'done, not reviewed'
    lines.push(`Attempt ${i + 1}       ${a.model} · ${secs(a.duration_ms)} · ${tok(a.usage)} · ${money(a.cost_usd)} · ${verdict}`)
  }
  if (r.status === 'planned') lines.push('Dry run         nothing was executed or recorded.')
  else lines.push(`Result          ${r.status}${r.blocked_reason ? ` (${r.blocked_reason})` : ''} · ${tok(r.usage)} · ${money(r.cost_usd)} · ${secs(r.duration_ms)}`)
  for (const n of r.notes) lines.push(`Note            ${n}`)
  return lines.join('\n')
}
