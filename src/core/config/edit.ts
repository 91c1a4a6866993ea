/**
 * Changing one field of the user config and keeping the rest of the file as it was (formatting,
 * key order, unknown keys): jsonc-parser's modify + applyEdits. A file that can't be parsed is never
 * touched; the new text is written atomically (temp file + rename), so a crash can't leave half a file.
 */
import {mkdir, readFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {ConfigError} from '../errors.js'
import {parseConfigText} from './parse-file.js'
import {validateConfigData} from './layers.js'

export interface EditResult {
  file: string
  created: boolean
  changed: boolean
}

export async function setConfigValue(file: string, path: Array<string | number>, value: unknown): Promise<EditResult> {
  let text: string | undefined
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const created = text === undefined
  const original = text ?? '{}\n'
  // Throws ConfigError with line:column when the file isn't valid JSON: we refuse to touch it.
  await parseConfigText(original, file, "json")
  const {modify, applyEdits} = await import('jsonc-parser')
  const edits = modify(original, path, value, {formattingOptions: {insertSpaces: true, tabSize: 2, eol: '\n'}})
  const next = applyEdits(original, edits)
  const check = await validateConfigData(await parseConfigText(next, file, 'json'))
  if (check.problems.length > 0) throw new ConfigError({file, problems: check.problems})
  if (next === original && !created) return {file, created, changed: false}
  await mkdir(dirname(file), {recursive: true})
  const writeFileAtomic = (await import('write-file-atomic')).default
  await writeFileAtomic(file, next.endsWith('\n') ? next : `${next}\n`)
  return {file, created, changed: true}
}
