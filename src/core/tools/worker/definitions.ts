/**
 * The six tools: one zod schema each is the single source of truth, turned into JSON Schema with
 * zod 4's `z.toJSONSchema` and exported in the OpenAI and the Anthropic `tools` formats.
 */
import {z} from 'zod'

import type {AnthropicToolDefinition, OpenAIToolDefinition} from '../types.js'

const path = z.string().min(1).describe('A path: absolute, relative to the current directory, or starting with ~/ (the home directory).')

export const toolSchemas = {
  read_file: z.strictObject({
    path,
    offset: z.number().int().min(1).max(1e9).optional().describe('First line to read, 1-based. Default 1.'),
    limit: z.number().int().min(1).max(100_000).optional().describe('Number of lines to read. Default 2000.'),
  }),
  write_file: z.strictObject({
    path,
    content: z.string().describe('The whole new content of the file.'),
  }),
  edit_file: z.strictObject({
    path,
    old_string: z.string().describe('Exact text to find (whitespace and indentation included). Must occur once unless replace_all.'),
    new_string: z.string().describe('Text to put in its place.'),
    replace_all: z.boolean().optional().describe('Replace every occurrence. Default false.'),
  }),
  run_command: z.strictObject({
    command: z.string().min(1).describe('A bash command. Dangerous commands are refused with the reason.'),
    cwd: z.string().min(1).optional().describe('Folder to run it in. Default: the current directory.'),
    timeout_seconds: z.number().positive().optional().describe('Timeout in seconds. Default 120, at most 300.'),
  }),
  list_directory: z.strictObject({path}),
  get_current_directory: z.strictObject({}),
} as const

export type ToolName = keyof typeof toolSchemas
export const toolNames = Object.keys(toolSchemas) as ToolName[]
export type ToolArgs<N extends ToolName> = z.infer<(typeof toolSchemas)[N]>

export const toolDescriptions: Record<ToolName, string> = {
  read_file: 'Read a text file. Returns its lines numbered; large files are capped and the result says how to read on.',
  write_file: 'Create or overwrite a file with the given content. Parent folders are created. The write is atomic.',
  edit_file: 'Replace exact text in an existing file. Fails, leaving the file untouched, when old_string is empty, not found, or found several times without replace_all.',
  run_command:
    'Run a shell command (bash) and get its exit code, stdout, stderr (capped, start and end kept) and whether it timed out. Runs in its own process group; on timeout everything it started is killed.',
  list_directory: 'List the entries of a folder: folders end with /, symbolic links with @, files show their size.',
  get_current_directory: 'Get the current directory, where relative paths and commands start.',
}

function parameters(name: ToolName): Record<string, unknown> {
  const schema = z.toJSONSchema(toolSchemas[name]) as Record<string, unknown>
  delete schema.$schema
  return schema
}

export function openaiToolDefinitions(): OpenAIToolDefinition[] {
  return toolNames.map((name) => ({type: 'function', function: {name, description: toolDescriptions[name], parameters: parameters(name)}}))
}

export function anthropicToolDefinitions(): AnthropicToolDefinition[] {
  return toolNames.map((name) => ({name, description: toolDescriptions[name], input_schema: parameters(name)}))
}

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(toolSchemas, name)
}
