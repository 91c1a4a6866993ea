/**
 * `cto keys set`: store a model's key in `~/agents/<model>/config.json` (the original system's
 * place), mode 0600 in a 0700 folder, written atomically. Other fields in an existing file are kept;
 * a file that isn't valid JSON is refused, never overwritten.
 */
import {chmod, mkdir, readFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {CtoError} from '../errors.js'

export interface WriteKeyResult {
  path: string
  created: boolean
}

export async function writeAgentKey(path: string, key: string, defaults: {provider: string}): Promise<WriteKeyResult> {
  const trimmed = key.trim()
  if (trimmed.length === 0) {
    throw new CtoError({code: 'EMPTY_KEY', message: 'No key given: the input was empty.', actions: ['Pipe the key in: printf %s "$KEY" | cto keys set MODEL']})
  }
  if (/\s/.test(trimmed)) {
    throw new CtoError({code: 'BAD_KEY', message: 'The key contains white space; keys are one word.', actions: ['Check what you pasted.']})
  }
  let existing: Record<string, unknown> | undefined
  try {
    const text = await readFile(path, 'utf8')
    try {
      const parsed: unknown = JSON.parse(text)
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
      existing = parsed as Record<string, unknown>
    } catch {
      throw new CtoError({
        code: 'AGENT_CONFIG_INVALID',
        message: `${path} is not a valid JSON object; it was left untouched.`,
        actions: [`Fix or move ${path} aside, then run the command again.`],
      })
    }
  } catch (error) {
    if (CtoError.isInstance(error)) throw error
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const next = {...(existing ?? {provider: defaults.provider}), api_key: trimmed}
  await mkdir(dirname(path), {recursive: true, mode: 0o700})
  const writeFileAtomic = (await import('write-file-atomic')).default
  await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, {mode: 0o600})
  await chmod(path, 0o600)
  return {path, created: existing === undefined}
}
