/**
 * What the CTO model is told: for classification, the enabled models with their capabilities,
 * prices and recorded results per task type (hints from the store); for review, the task, the
 * worker's answer and the evidence (review-evidence.ts: diff, commands, verification). Workers get
 * the task, where their copy is, and after a rejection the CTO's feedback with the rejected diff
 * and the failing verification output.
 */
import {TASK_TYPES, type TaskType} from '../providers/spec.js'
import type {ResolvedModel} from '../providers/resolve.js'
import type {PerfReader} from '../store/types.js'
import type {ToolCallRecord} from '../engines/types.js'
import {escalationEvidence, evidenceText, type AttemptEvidence} from './review-evidence.js'

export const CLASSIFY_SYSTEM = `You are the CTO of a team of AI models. Classify the task and pick the worker model.
Answer with one JSON object and nothing else:
{"complexity": "simple|moderate|complex", "type": "bash_command|coding|research|analysis|email|deployment", "model": "<worker model name>", "reason": "<one sentence>"}
- simple: one step, minutes of work. moderate: a few steps or files. complex: architecture, many files, risky changes.
- bash_command: run or write shell commands. coding: write or change code. research: find and summarise information.
  analysis: reason about data, code or text without changing it. email: write or handle email. deployment: build, release, infrastructure.
- Pick only from the models listed. Models without tools can't edit files or run commands.`

export const REVIEW_SYSTEM = `You are the CTO reviewing a worker model's result. Judge whether it does what the task asked, correctly and completely.
Judge by the evidence — the files changed and the diff, the commands the worker ran and their output, the verification run of the project's tests — not by what the worker says it did.
A failed verification is strong evidence against approval unless the task did not ask for working code.
Answer with one JSON object and nothing else:
{"approved": true|false, "quality": <integer 1-10>, "feedback": "<what is wrong or missing, or why it is good>"}`

function pct(n: number): string {
  return `${Math.round(n * 100)}%`
}

/** What the classification prompt says about a model (the replay prices the prompt with its own models). */
export type HintModel = Pick<ResolvedModel, 'name' | 'group' | 'supportsTools' | 'pricing' | 'description' | 'goodFor'>

/** One line per model: capabilities, price, and what the store knows about it per task type. */
export function modelHints(models: readonly HintModel[], perf: PerfReader): string {
  return models
    .map((m) => {
      const perType = TASK_TYPES.map((t) => ({t, s: perf.stats(m.name, t)}))
        .filter(({s}) => s.attempts > 0)
        .map(({t, s}) => `${t} ${pct(s.successes / s.attempts)} of ${s.attempts}${s.quality_count > 0 ? `, q ${(s.quality_sum / s.quality_count).toFixed(1)}` : ''}`)
      const history = perType.length > 0 ? `; record: ${perType.join('; ')}` : '; no record yet'
      return `- ${m.name} (${m.group}, ${m.supportsTools ? 'tools' : 'text only'}, $${m.pricing.inputPerMTok}/$${m.pricing.outputPerMTok} per 1M tokens in/out): ${m.description || m.goodFor.join(', ')}${history}`
    })
    .join('\n')
}

export function classificationPrompt(task: string, models: readonly HintModel[], perf: PerfReader): string {
  return `Models you can pick:\n${modelHints(models, perf)}\n\nTask:\n${task}`
}

export function retryPrompt(original: string, problem: string): string {
  return `${original}\n\nYour previous answer could not be used (${problem}). Answer again with only the JSON object.`
}

const MAX_REVIEWED_CHARS = 12_000

export function reviewPrompt(
  task: string,
  type: TaskType,
  attempt: {model: string; text: string; tool_calls: ToolCallRecord[]; refused?: Array<{name: string; summary: string; reason?: string}>},
  evidence?: AttemptEvidence,
): string {
  const text = attempt.text.length > MAX_REVIEWED_CHARS ? `${attempt.text.slice(0, MAX_REVIEWED_CHARS)}\n[… ${attempt.text.length - MAX_REVIEWED_CHARS} more characters]` : attempt.text
  const calls = attempt.tool_calls.length > 0 ? `\n\nTool calls it made:\n${attempt.tool_calls.slice(-40).map((c) => `- ${c.name} ${c.ok ? 'ok' : c.refused ? 'REFUSED by the tool policy' : 'failed'}${c.summary ? `: ${c.summary}` : ''}`).join('\n')}` : ''
  const refused = attempt.refused ?? []
  // A refused write did not happen: the reviewer must not take the worker's word that it did.
  const warning =
    refused.length > 0
      ? `\n\n${refused.length} tool call${refused.length === 1 ? ' was' : 's were'} REFUSED and did not happen:\n${refused.map((r) => `- ${r.summary}${r.reason ? `: ${r.reason}` : ''}`).join('\n')}\nJudge whether the task is still done without ${refused.length === 1 ? 'it' : 'them'}.`
      : ''
  return `Task (${type}):\n${task}\n\nWorker ${attempt.model} answered:\n${text || '(no text)'}${calls}${warning}\n\n${evidenceText(evidence, attempt.tool_calls)}`
}

export interface EarlierAttempt {
  model: string
  feedback: string
  evidence?: AttemptEvidence
}

/** Where an isolated attempt works, so paths in the task can be found in the copy. */
export interface WorkerPlace {
  copy: string
  original: string
}

export function workerPrompt(task: string, previous: EarlierAttempt[], place?: WorkerPlace): string {
  const parts = [task]
  if (place) {
    parts.push(
      `You work in a copy of the user's project at ${place.copy} (the original is ${place.original}; use the same relative paths here, the original is out of reach). Your changes are reviewed, and the project's tests run, before they reach the user.`,
    )
  }
  if (previous.length > 0) {
    const fresh = previous.some((p) => p.evidence?.placement === 'copy') ? ' Each ran in its own copy: none of their changes are in your workspace, which starts from the user\'s files as they are.' : ''
    const notes = previous
      .map((p) => {
        const extra = escalationEvidence(p.evidence)
        return `- ${p.model}: ${p.feedback}${extra ? `\n${extra.replace(/^/gm, '  ')}` : ''}`
      })
      .join('\n')
    parts.push(`Earlier attempts at this task were not accepted.${fresh} The reviewer said:\n${notes}\nTake this into account.`)
  }
  return parts.join('\n\n')
}
