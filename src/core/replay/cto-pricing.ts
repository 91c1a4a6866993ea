/**
 * What the CTO's own calls would cost in the replay: one classification per row, one review per
 * attempt that produced an answer (as `cto task` does), at the CTO model's rate.
 *
 * Tokens are estimated from lengths: ⌈characters / 4⌉. The classification's prompt is the real
 * one (CLASSIFY_SYSTEM + classificationPrompt: the row's prompt and a line per model with its
 * record in the replay's store, so it grows as the store learns); the review's is the real
 * reviewPrompt over the row's prompt and the worker's answer. RouterBench keeps no answers, so a
 * worker's answer counts as ANSWER_TOKENS (200) tokens. The CTO's replies are the JSON shapes
 * `cto task` asks for, with a one-sentence reason or feedback.
 *
 * The rate: RouterBench records what each model's call on a row cost, not its tokens or prices.
 * A model's rate is its total recorded cost over the rows divided by their estimated tokens
 * (prompt + ANSWER_TOKENS), one blended rate for input and output. The stored prompts are cut at
 * 600 characters while the recorded costs are for the whole prompt, so this overstates the rate
 * per token where prompts were cut: the CTO's cost is, if anything, counted high.
 */
import {CLASSIFY_SYSTEM, REVIEW_SYSTEM, classificationPrompt, reviewPrompt, type HintModel} from '../task/cto-prompts.js'
import type {TaskType} from '../providers/spec.js'
import type {PerfReader} from '../store/types.js'
import type {BenchRow} from './routerbench-file.js'

export const CHARS_PER_TOKEN = 4
export const ANSWER_TOKENS = 200

const CLASSIFY_REPLY = JSON.stringify({complexity: 'simple', type: 'research', model: 'a-worker-model-name', reason: 'A short task with one clear answer, which a cheap model with a good record on this type can give.'})
const REVIEW_REPLY = JSON.stringify({approved: true, quality: 8, feedback: 'The answer does what the task asked and is correct; the reasoning given is short but sound, nothing is missing.'})
const ANSWER_TEXT = 'x'.repeat(ANSWER_TOKENS * CHARS_PER_TOKEN)

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN)
}

/** USD per token of a model over some rows: its recorded cost / the rows' estimated tokens. */
export function blendedRate(model: string, rows: readonly BenchRow[]): number {
  let cost = 0
  let tokens = 0
  for (const row of rows) {
    const c = row.costs[model] ?? 0
    if (c <= 0) continue
    cost += c
    tokens += estimateTokens(row.prompt) + ANSWER_TOKENS
  }
  return tokens > 0 ? cost / tokens : 0
}

export interface CtoPricing {
  model: string
  usd_per_token: number
  /** The models as the classification prompt lists them. */
  hints: HintModel[]
}

export function classificationCost(p: CtoPricing, prompt: string, perf: PerfReader): number {
  const tokens = estimateTokens(CLASSIFY_SYSTEM) + estimateTokens(classificationPrompt(prompt, p.hints, perf)) + estimateTokens(CLASSIFY_REPLY)
  return tokens * p.usd_per_token
}

export function reviewCost(p: CtoPricing, prompt: string, type: TaskType, worker: string): number {
  const tokens = estimateTokens(REVIEW_SYSTEM) + estimateTokens(reviewPrompt(prompt, type, {model: worker, text: ANSWER_TEXT, tool_calls: []})) + estimateTokens(REVIEW_REPLY)
  return tokens * p.usd_per_token
}
