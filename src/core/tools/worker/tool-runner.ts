/**
 * createToolRunner: the ToolRunner the engines use. It validates the model's raw JSON arguments
 * against each tool's zod schema and answers every call with a structured result — never a throw.
 */
import type {z} from 'zod'

import {anthropicToolDefinitions, isToolName, openaiToolDefinitions, toolNames, toolSchemas, type ToolName} from './definitions.js'
import {editFileTool} from './edit-file.js'
import {currentDirectoryTool, listDirectoryTool} from './list-directory.js'
import {resolveToolPolicy, type ToolPolicy, type ToolPolicyInput} from '../policy/policy-schema.js'
import type {PolicyContext} from '../policy/policy-context.js'
import {readFileTool} from './read-file.js'
import {runCommandTool} from './run-command.js'
import {fail} from './tool-result.js'
import type {ToolResult, ToolRunner} from '../types.js'
import {writeFileTool} from './write-file.js'

export interface ToolRunnerSettings {
  /** The model using the tools: its git identity signs what it commits (`deepseek (cto)`). */
  model: string
  /** Narrows the root to this folder (the `--workspace` flag); else the policy's, else home. */
  workspace?: string | null
  /** The `tools` config section (defaults filled in when partial). */
  policy?: ToolPolicy | ToolPolicyInput
  /** Environment: HOME is read from it at every call; commands get it minus secrets. Default process.env. */
  env?: NodeJS.ProcessEnv
  /** Start directory. Default: the root. */
  cwd?: string
  now?: () => number
  /** Grace between SIGTERM and SIGKILL on timeout (ms). */
  killGraceMs?: number
}

function describeIssues(name: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `- ${i.path.length > 0 ? i.path.join('.') : '(arguments)'}: ${i.message}`)
  return `Invalid arguments for ${name}:\n${lines.join('\n')}`
}

export function createToolRunner(settings: ToolRunnerSettings): ToolRunner {
  const policy = resolveToolPolicy(settings.policy as ToolPolicyInput | undefined)
  const ctx = (): PolicyContext => ({env: settings.env ?? process.env, policy, workspace: settings.workspace, cwd: settings.cwd})

  async function dispatch(name: ToolName, args: unknown, signal?: AbortSignal): Promise<ToolResult> {
    const c = ctx()
    switch (name) {
      case 'read_file':
        return readFileTool(args as z.infer<typeof toolSchemas.read_file>, c)
      case 'write_file':
        return writeFileTool(args as z.infer<typeof toolSchemas.write_file>, c)
      case 'edit_file':
        return editFileTool(args as z.infer<typeof toolSchemas.edit_file>, c)
      case 'run_command':
        return runCommandTool(args as z.infer<typeof toolSchemas.run_command>, c, {model: settings.model, signal, now: settings.now, killGraceMs: settings.killGraceMs})
      case 'list_directory':
        return listDirectoryTool(args as z.infer<typeof toolSchemas.list_directory>, c)
      case 'get_current_directory':
        return currentDirectoryTool(c)
    }
  }

  return {
    openaiTools: openaiToolDefinitions,
    anthropicTools: anthropicToolDefinitions,
    async execute(name, rawArguments, opts) {
      try {
        if (!isToolName(name)) return fail(`Unknown tool "${name}". The tools are: ${toolNames.join(', ')}.`, 'unknown-tool')
        let parsed: unknown
        try {
          parsed = rawArguments === undefined || rawArguments === null || String(rawArguments).trim() === '' ? {} : JSON.parse(rawArguments)
        } catch (error) {
          return fail(`The arguments of ${name} are not valid JSON (${(error as Error).message}); send a JSON object.`, 'invalid-arguments')
        }
        const result = toolSchemas[name].safeParse(parsed)
        if (!result.success) return fail(describeIssues(name, result.error), 'invalid-arguments')
        return await dispatch(name, result.data, opts?.signal)
      } catch (error) {
        return fail(`The tool ${name} failed: ${(error as Error)?.message ?? String(error)}`)
      }
    },
  }
}
