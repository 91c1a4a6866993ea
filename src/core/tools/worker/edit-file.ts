/** edit_file: exact find and replace. No match, an empty old_string or an ambiguous match leave the file untouched. */
import {readFile, lstat} from 'node:fs/promises'

import {checkPath} from '../policy/path-policy.js'
import {packageCtoKeyRefusal} from '../policy/protected-paths.js'
import type {PolicyContext} from '../policy/policy-context.js'
import {describeFsError, fail, ok} from './tool-result.js'
import type {ToolResult} from '../types.js'
import {writeChecked} from './write-file.js'

export interface EditFileArgs {
  path: string
  old_string: string
  new_string: string
  replace_all?: boolean
}

function count(haystack: string, needle: string): number {
  let n = 0
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++
  return n
}

export async function editFileTool(args: EditFileArgs, ctx: PolicyContext): Promise<ToolResult> {
  if (args.old_string === '') return fail('old_string is empty; give the exact text to replace (use write_file to create a file).')
  if (args.old_string === args.new_string) return fail('old_string and new_string are the same; nothing would change.')
  const decision = checkPath('write', args.path, ctx)
  if (!decision.allowed) return fail(decision.reason, decision.rule)
  let text: string
  try {
    const st = await lstat(decision.path)
    if (!st.isFile()) return fail(`${args.path} is not a regular file.`)
    text = await readFile(decision.path, 'utf8')
  } catch (error) {
    return fail(describeFsError(error, args.path))
  }
  const matches = count(text, args.old_string)
  if (matches === 0) return fail(`old_string was not found in ${args.path}; it must match exactly, whitespace and indentation included. Read the file again.`)
  if (matches > 1 && !args.replace_all) {
    return fail(`old_string occurs ${matches} times in ${args.path}; add surrounding lines to make it unique, or set replace_all to true.`)
  }
  let updated: string
  if (args.replace_all) updated = text.split(args.old_string).join(args.new_string)
  else {
    const at = text.indexOf(args.old_string)
    updated = text.slice(0, at) + args.new_string + text.slice(at + args.old_string.length)
  }
  const refusal = packageCtoKeyRefusal(decision.path, args.path, text, updated)
  if (refusal) return fail(refusal, 'config-file')
  try {
    await writeChecked(decision.path, updated)
  } catch (error) {
    return fail(describeFsError(error, args.path))
  }
  return ok(`Edited ${args.path}: ${matches === 1 || !args.replace_all ? '1 replacement' : `${matches} replacements`}.`, {path: decision.path, replacements: args.replace_all ? matches : 1})
}
