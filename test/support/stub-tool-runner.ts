/**
 * A small ToolRunner for engine tests that don't need the real tool worker: `echo`, `read_file` and
 * `write_file` (inside `workspace`), with the same contract as the real one: malformed JSON, an
 * unknown tool or a missing field give an error result, never a throw. Records every call.
 */
import {readFile, writeFile} from 'node:fs/promises'
import {isAbsolute, relative, resolve} from 'node:path'

import type {OpenAIToolDefinition, ToolResult, ToolRunner} from '../../src/core/tools/types.js'

interface StubTool {
  definition: OpenAIToolDefinition
  run(args: Record<string, string>): Promise<ToolResult>
}

export interface StubToolRunner extends ToolRunner {
  calls: Array<{name: string; rawArguments: string; result: ToolResult}>
}

const fn = (name: string, description: string, fields: string[]): OpenAIToolDefinition => ({
  type: 'function',
  function: {
    name,
    description,
    parameters: {type: 'object', properties: Object.fromEntries(fields.map((f) => [f, {type: 'string'}])), required: fields},
  },
})

export function createStubToolRunner(workspace: string): StubToolRunner {
  const inside = (path: string) => {
    const full = resolve(workspace, path)
    const rel = relative(workspace, full)
    if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${path} is outside the workspace`)
    return full
  }
  const tools: StubTool[] = [
    {definition: fn('echo', 'Echo text back', ['text']), run: async (a) => ({ok: true, content: a.text})},
    {
      definition: fn('read_file', 'Read a file in the workspace', ['path']),
      run: async (a) => ({ok: true, content: await readFile(inside(a.path), 'utf8')}),
    },
    {
      definition: fn('write_file', 'Write a file in the workspace', ['path', 'content']),
      run: async (a) => {
        await writeFile(inside(a.path), a.content)
        return {ok: true, content: `wrote ${a.path} (${a.content.length} bytes)`}
      },
    },
  ]
  const calls: StubToolRunner['calls'] = []

  const execute = async (name: string, rawArguments: string): Promise<ToolResult> => {
    const tool = tools.find((t) => t.definition.function.name === name)
    if (!tool) return {ok: false, error: `Unknown tool "${name}". Known tools: ${tools.map((t) => t.definition.function.name).join(', ')}.`}
    let args: unknown
    try {
      args = JSON.parse(rawArguments)
    } catch {
      return {ok: false, error: `The arguments of ${name} are not valid JSON; nothing was run.`}
    }
    if (typeof args !== 'object' || args === null) return {ok: false, error: `The arguments of ${name} must be a JSON object.`}
    const required = (tool.definition.function.parameters.required as string[]) ?? []
    const missing = required.filter((f) => typeof (args as Record<string, unknown>)[f] !== 'string')
    if (missing.length > 0) return {ok: false, error: `${name} needs ${missing.join(', ')}.`}
    try {
      return await tool.run(args as Record<string, string>)
    } catch (error) {
      return {ok: false, error: error instanceof Error ? error.message : String(error)}
    }
  }

  return {
    calls,
    openaiTools: () => tools.map((t) => t.definition),
    anthropicTools: () =>
      tools.map((t) => ({name: t.definition.function.name, description: t.definition.function.description, input_schema: t.definition.function.parameters})),
    async execute(name, rawArguments) {
      const result = await execute(name, rawArguments)
      calls.push({name, rawArguments, result})
      return result
    },
  }
}
