/**
 * The evidence an attempt leaves for its review, as text for the CTO: the files changed with a
 * capped diff (saying what was cut), every command the worker ran with its exit code and the tail
 * of its output, and the verification run. The next worker in an escalation gets a shorter form of
 * the same (the rejected diff and the failing output), so it does not repeat the mistake.
 */
import type {CommandRun, ToolCallRecord} from '../engines/types.js'
import {outputTail} from '../engines/output-tail.js'
import type {ChangedFile} from '../workspace/snapshot.js'
import type {VerificationOutcome} from './verification.js'

export interface ChangeEvidence {
  files: ChangedFile[]
  added: number
  removed: number
  /** The diff for people (binary files as one line). */
  text: string
  /** Changed files never carried over (cto's own config). */
  dropped: string[]
}

export interface AttemptEvidence {
  /** `copy`: the attempt ran in its own copy (change and verification known); `in-place`: in the user's folder. */
  placement: 'copy' | 'in-place'
  change: ChangeEvidence | null
  verification: VerificationOutcome | null
}

export const REVIEW_DIFF_CHARS = 20_000
export const REVIEW_VERIFY_CHARS = 4_000
export const MAX_COMMANDS = 30

const fence = (lang: string, body: string) => `\`\`\`${lang}\n${body.replace(/\n$/, '')}\n\`\`\``

/** The diff cut to `max` characters at a file boundary when it can be, with a note of what was left out. */
export function cappedDiff(text: string, files: ChangedFile[], max: number): string {
  if (text.length <= max) return fence('diff', text)
  let cut = text.lastIndexOf('\ndiff --git ', max)
  if (cut < max / 2) cut = max
  const shown = text.slice(0, cut)
  const missing = files.filter((f) => !shown.includes(`diff --git a/${f.path} `)).map((f) => f.path)
  const note = `[diff cut: ${(text.length - cut).toLocaleString('en-US')} more characters not shown${missing.length > 0 ? `; files not shown: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}` : ''}]`
  return `${fence('diff', shown)}\n${note}`
}

function fileLine(f: ChangedFile): string {
  return `- ${f.path} (${f.status}${f.added === null ? ', binary' : `, +${f.added} −${f.removed}`})`
}

export function changeSection(change: ChangeEvidence | null, maxDiff = REVIEW_DIFF_CHARS): string {
  if (!change) return 'Change: could not be read from the attempt\'s copy.'
  const dropped = change.dropped.length > 0 ? `\nAlso changed, but never carried over to the user's files (configuration cto, Claude Code or an editor acts on, or links out of the project): ${change.dropped.join(', ')}` : ''
  if (change.files.length === 0) return `Files changed: none.${dropped}`
  return `Files changed (${change.files.length}, +${change.added} −${change.removed}):\n${change.files.map(fileLine).join('\n')}${dropped}\n\nDiff:\n${cappedDiff(change.text, change.files, maxDiff)}`
}

function commandLine(run: CommandRun): string {
  const status = run.exit_code === null ? 'did not finish (refused or killed)' : `exit ${run.exit_code}`
  const tail = run.output_tail.trim() ? `\n${run.output_tail.replace(/^/gm, '    ')}` : ''
  return `$ ${run.command}  → ${status}${tail}`
}

export function commandsSection(calls: ToolCallRecord[]): string {
  const runs = calls.filter((c) => c.run).map((c) => c.run as CommandRun)
  if (runs.length === 0) return 'Commands the worker ran: none.'
  const shown = runs.slice(-MAX_COMMANDS)
  const cut = runs.length > shown.length ? `\n[${runs.length - shown.length} earlier commands not shown]` : ''
  return `Commands the worker ran (${runs.length}):${cut}\n${shown.map(commandLine).join('\n')}`
}

export function verificationSummary(v: VerificationOutcome): string {
  if (!v.ran) return `not run: ${v.reason}`
  const verdict = v.passed ? 'PASSED' : v.timed_out ? 'FAILED (time limit reached, killed)' : 'FAILED'
  return `\`${v.command}\` (${v.source}) ${verdict}: exit code ${v.exit_code ?? 'none'} after ${(v.duration_ms / 1000).toFixed(1)} s`
}

export function verificationSection(v: VerificationOutcome | null, maxChars = REVIEW_VERIFY_CHARS): string {
  if (!v) return 'Verification: none.'
  if (!v.ran) return `Verification: ${verificationSummary(v)}.`
  return `Verification: ${verificationSummary(v)}.\nOutput (end):\n${fence('', outputTail(v.output, 80, maxChars) || '(no output)')}`
}

/** The evidence block of a review prompt. */
export function evidenceText(e: AttemptEvidence | undefined, calls: ToolCallRecord[]): string {
  const commands = commandsSection(calls)
  if (!e || e.placement === 'in-place') {
    return `${commands}\n\nThe worker acted in the user's folder directly (in place): no diff and no verification are available.`
  }
  return `${changeSection(e.change)}\n\n${commands}\n\n${verificationSection(e.verification)}`
}

/** What the next worker hears about a rejected attempt: its diff and failing verification, shorter. */
export function escalationEvidence(e: AttemptEvidence | undefined): string {
  if (!e || e.placement === 'in-place') return ''
  const parts: string[] = []
  if (e.change && e.change.files.length > 0) parts.push(`Its change (not in your workspace):\n${cappedDiff(e.change.text, e.change.files, 6_000)}`)
  else if (e.change) parts.push('It changed no files.')
  if (e.verification?.ran) parts.push(`Verification ${verificationSummary(e.verification)}${e.verification.passed ? '' : `:\n${fence('', outputTail(e.verification.output, 30, 1_500))}`}`)
  return parts.join('\n')
}
