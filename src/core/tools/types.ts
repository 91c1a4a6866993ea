/**
 * The contract between the tool worker (src/core/tools) and the engines that use it.
 */

/** A tool call's structured result: ok with content, or an error message meant for the model. */
export type ToolResult =
  | {ok: true; content: string; data?: Record<string, unknown>}
  | {ok: false; error: string; /** Policy rule that refused it, when it was a refusal. */ rule?: string}

export interface OpenAIToolDefinition {
  type: 'function'
  function: {name: string; description: string; parameters: Record<string, unknown>}
}

export interface AnthropicToolDefinition {
  name: string
  description: string
  input_schema: Record<string, unknown>
}

/** What an engine needs from the tool worker. */
export interface ToolRunner {
  openaiTools(): OpenAIToolDefinition[]
  anthropicTools(): AnthropicToolDefinition[]
  /**
   * Runs one call. `rawArguments` is the model's JSON text, unparsed: the runner validates it and
   * answers with an error result (never a throw, never a guessed argument) when it is malformed,
   * names an unknown tool or misses fields.
   */
  execute(name: string, rawArguments: string, opts?: {signal?: AbortSignal}): Promise<ToolResult>
}
