/**
 * The same policy for Claude Code: evaluates a PreToolUse hook input ({tool_name, tool_input, cwd})
 * and says whether to block. Bash commands go through the command policy; the paths of Read,
 * Write, Edit, MultiEdit, NotebookEdit, Glob, Grep and LS through the path policy. Other tools pass.
 * Malformed input is blocked (fail closed).
 */
import {readFileSync} from 'node:fs'

import {checkCommand} from './command-policy.js'
import {checkPath, type PathMode} from './path-policy.js'
import type {PolicyContext} from './policy-context.js'
import {packageCtoKeyRefusal} from './protected-paths.js'

export interface ClaudeHookDecision {
  block: boolean
  reason: string
}

const pathTools: Record<string, {field: string; mode: PathMode; optional?: boolean}> = {
  Read: {field: 'file_path', mode: 'read'},
  Write: {field: 'file_path', mode: 'write'},
  Edit: {field: 'file_path', mode: 'write'},
  MultiEdit: {field: 'file_path', mode: 'write'},
  NotebookEdit: {field: 'notebook_path', mode: 'write'},
  NotebookRead: {field: 'notebook_path', mode: 'read'},
  Glob: {field: 'path', mode: 'read', optional: true},
  Grep: {field: 'path', mode: 'read', optional: true},
  LS: {field: 'path', mode: 'read'},
}

/** The folder part of a glob pattern, before its first wildcard (`~/.ssh/*` → `~/.ssh`). */
function globBase(pattern: string): string {
  const cut = pattern.search(/[*?[{]/)
  const head = cut < 0 ? pattern : pattern.slice(0, cut)
  const slash = head.lastIndexOf('/')
  return cut < 0 ? pattern : slash <= 0 ? (head.startsWith('/') ? '/' : '.') : head.slice(0, slash)
}

export interface ClaudeHookOptions {
  /**
   * Send Bash commands through the command policy. Default true. False when Claude Code's own
   * sandbox runs them (the kernel is then the boundary, and the hook stays fast).
   */
  filterBash?: boolean
}

export function evaluateClaudeHook(hookJson: unknown, ctx: PolicyContext = {}, opts: ClaudeHookOptions = {}): ClaudeHookDecision {
  let input: Record<string, unknown>
  try {
    input = (typeof hookJson === 'string' ? JSON.parse(hookJson) : hookJson) as Record<string, unknown>
  } catch {
    return {block: true, reason: 'cto tools hook: the hook input is not valid JSON.'}
  }
  if (!input || typeof input !== 'object') return {block: true, reason: 'cto tools hook: the hook input is not a JSON object.'}
  const toolName = input.tool_name
  const toolInput = (input.tool_input ?? {}) as Record<string, unknown>
  if (typeof toolName !== 'string') return {block: true, reason: 'cto tools hook: tool_name is missing.'}
  const c: PolicyContext = typeof input.cwd === 'string' && input.cwd.length > 0 ? {...ctx, cwd: input.cwd} : ctx

  if (toolName === 'Bash') {
    const command = toolInput.command
    if (typeof command !== 'string') return {block: true, reason: 'cto tools hook: Bash without a command.'}
    if (opts.filterBash === false) return {block: false, reason: "left to Claude Code's sandbox"}
    const d = checkCommand(command, c)
    return d.allowed ? {block: false, reason: 'allowed by the cto command policy'} : {block: true, reason: d.reason}
  }

  const spec = pathTools[toolName]
  if (!spec) return {block: false, reason: `${toolName} is not governed by the cto tool policy`}
  const paths: string[] = []
  const value = toolInput[spec.field]
  if (typeof value === 'string' && value.length > 0) paths.push(value)
  else if (!spec.optional) return {block: true, reason: `cto tools hook: ${toolName} without ${spec.field}.`}
  else paths.push('.')
  if (toolName === 'Glob' && typeof toolInput.pattern === 'string') {
    const base = globBase(toolInput.pattern)
    paths.push(base.startsWith('/') || base.startsWith('~/') ? base : `${paths[0]}/${base}`)
  }
  for (const p of paths) {
    const d = checkPath(spec.mode, p, c)
    if (!d.allowed) return {block: true, reason: d.reason}
    const refusal = spec.mode === 'write' ? packageCtoRefusal(toolName, toolInput, d.path, p) : undefined
    if (refusal) return {block: true, reason: refusal}
  }
  return {block: false, reason: 'allowed by the cto path policy'}
}

/** A Write, Edit or MultiEdit of a package.json that would change its `cto` key (cto's config), as write_file and edit_file refuse it. */
function packageCtoRefusal(toolName: string, input: Record<string, unknown>, realPath: string, shown: string): string | undefined {
  if (!/(^|\/)package\.json$/i.test(realPath)) return undefined
  let before: string | null
  try {
    before = readFileSync(realPath, 'utf8')
  } catch {
    before = null
  }
  let after: string | undefined
  if (toolName === 'Write' && typeof input.content === 'string') after = input.content
  const edits = toolName === 'Edit' ? [input] : toolName === 'MultiEdit' && Array.isArray(input.edits) ? (input.edits as Array<Record<string, unknown>>) : []
  if (edits.length > 0) {
    after = before ?? ''
    for (const e of edits) {
      if (typeof e.old_string !== 'string' || typeof e.new_string !== 'string') continue
      after = e.replace_all === true ? after.split(e.old_string).join(e.new_string) : after.replace(e.old_string, () => e.new_string as string)
    }
  }
  return after === undefined ? undefined : packageCtoKeyRefusal(realPath, shown, before, after)
}
