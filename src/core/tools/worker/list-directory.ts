/** list_directory: a folder's entries, folders marked with `/` and links with `@`. */
import {readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {checkPath} from '../policy/path-policy.js'
import {contextCwd, type PolicyContext} from '../policy/policy-context.js'
import {describeFsError, fail, ok} from './tool-result.js'
import type {ToolResult} from '../types.js'

const MAX_ENTRIES = 1000

export async function listDirectoryTool(args: {path: string}, ctx: PolicyContext): Promise<ToolResult> {
  const decision = checkPath('read', args.path, ctx)
  if (!decision.allowed) return fail(decision.reason, decision.rule)
  try {
    const st = await stat(decision.path)
    if (!st.isDirectory()) return fail(`${args.path} is not a folder; use read_file for files.`)
    const entries = (await readdir(decision.path, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))
    const shown = entries.slice(0, MAX_ENTRIES)
    const lines: string[] = []
    for (const e of shown) {
      if (e.isDirectory()) lines.push(`${e.name}/`)
      else if (e.isSymbolicLink()) lines.push(`${e.name}@`)
      else if (e.isFile()) {
        const size = await stat(join(decision.path, e.name)).then((s) => s.size, () => undefined)
        lines.push(size === undefined ? e.name : `${e.name} (${size} bytes)`)
      } else lines.push(e.name)
    }
    if (entries.length > MAX_ENTRIES) lines.push(`[Capped: ${MAX_ENTRIES} of ${entries.length} entries shown.]`)
    if (entries.length === 0) lines.push('(empty folder)')
    return ok(lines.join('\n'), {path: decision.path, entries: entries.length})
  } catch (error) {
    return fail(describeFsError(error, args.path))
  }
}

export function currentDirectoryTool(ctx: PolicyContext): ToolResult {
  const cwd = contextCwd(ctx)
  return ok(cwd, {path: cwd})
}
