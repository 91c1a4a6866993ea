/**
 * What every version of the provider spec shares: the engines the core runs models on, the task
 * types and complexities the router knows, budget groups and prices.
 */

/** How the core runs a model: Claude Code sessions, OpenAI-compatible tool calling, or text in / text out. */
export const ENGINE_KINDS = ['claude-cli', 'openai-tools', 'text'] as const
export type EngineKind = (typeof ENGINE_KINDS)[number]

export const TASK_TYPES = ['bash_command', 'coding', 'research', 'analysis', 'email', 'deployment'] as const
export type TaskType = (typeof TASK_TYPES)[number]

export const COMPLEXITIES = ['simple', 'moderate', 'complex'] as const
export type Complexity = (typeof COMPLEXITIES)[number]

/** Budget group: the daily token budget a model counts against (`claude` or `external`). */
export type ModelGroup = 'claude' | 'external'

export interface ModelPricing {
  /** US dollars per million input tokens. */
  inputPerMTok: number
  /** US dollars per million output tokens. */
  outputPerMTok: number
}
