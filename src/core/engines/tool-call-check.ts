/**
 * Tells whether a tool call the model sent is malformed: no name, an unknown tool, arguments that
 * are not a JSON object, or required fields missing. The tool worker refuses such calls itself (with
 * an error result for the model); the engine only counts them, to give up on a model that keeps
 * sending them.
 */
import type {OpenAIToolDefinition} from '../tools/types.js'

export function malformedReason(name: string, rawArguments: string, tools: OpenAIToolDefinition[]): string | undefined {
  if (!name) return 'the call has no tool name'
  const tool = tools.find((t) => t.function.name === name)
  if (!tool) return `unknown tool "${name}"`
  let args: unknown
  try {
    args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments)
  } catch {
    return 'the arguments are not valid JSON'
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return 'the arguments are not a JSON object'
  const required = tool.function.parameters?.required
  if (Array.isArray(required)) {
    const missing = required.filter((field) => typeof field === 'string' && !(field in args))
    if (missing.length > 0) return `missing required field(s): ${missing.join(', ')}`
  }
  return undefined
}

/** A one-line description of a call for logs and the attempt record: `write_file {"path":"a.txt",…}`. */
export function describeCall(name: string, rawArguments: string, max = 120): string {
  const args = rawArguments.replace(/\s+/g, ' ').trim()
  const text = `${name || '(no name)'} ${args}`
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
