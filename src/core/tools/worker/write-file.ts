/** write_file: creates the parent folders; atomic (temp file + rename); keeps an existing file's mode. */
import {lstat, mkdir, readFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import writeFileAtomic from 'write-file-atomic'

import {checkPath} from '../policy/path-policy.js'
import {packageCtoKeyRefusal} from '../policy/protected-paths.js'
import type {PolicyContext} from '../policy/policy-context.js'
import {describeFsError, fail, ok} from './tool-result.js'
import type {ToolResult} from '../types.js'

export interface WriteFileArgs {
  path: string
  content: string
}

export async function writeFileTool(args: WriteFileArgs, ctx: PolicyContext): Promise<ToolResult> {
  const decision = checkPath('write', args.path, ctx)
  if (!decision.allowed) return fail(decision.reason, decision.rule)
  let existed = false
  try {
    const st = await lstat(decision.path)
    if (st.isDirectory()) return fail(`${args.path} is a folder; name a file.`)
    if (!st.isFile()) return fail(`${args.path} is not a regular file; it is not written.`)
    existed = true
  } catch {
    existed = false
  }
  const refusal = packageCtoKeyRefusal(decision.path, args.path, existed ? await readFile(decision.path, 'utf8').catch(() => null) : null, args.content)
  if (refusal) return fail(refusal, 'config-file')
  try {
    await mkdir(dirname(decision.path), {recursive: true})
    await writeFileAtomic(decision.path, args.content, {encoding: 'utf8'})
  } catch (error) {
    return fail(describeFsError(error, args.path))
  }
  const bytes = Buffer.byteLength(args.content)
  return ok(`${existed ? 'Overwrote' : 'Created'} ${args.path} (${bytes} bytes).`, {path: decision.path, bytes, created: !existed})
}

/** Writes already-checked content to an already-checked path (edit_file). */
export async function writeChecked(realPath: string, content: string): Promise<void> {
  await writeFileAtomic(realPath, content, {encoding: 'utf8'})
}
