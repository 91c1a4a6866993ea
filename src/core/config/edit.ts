/**
 * Changing one field of the user config and keeping the rest of the file as it was (comments,
 * formatting, key order, unknown keys): jsonc-parser's modify + applyEdits. A file that can't be
 * read or parsed is never touched; the result is validated against the config schema before it is
 * written, atomically (temp file + rename), so a crash can't leave half a file.
 */
import {mkdir, readFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import {ConfigError} from '../errors.js'
import {parseConfigText, readActions, readProblem} from './parse-file.js'
import {validateConfigData} from './layers.js'

export interface EditResult {
  file: string
  created: boolean
  changed: boolean
}

type Path = Array<string | number>

/** The edited file would not match the config schema: nothing was written. */
export class ConfigEditRejected extends ConfigError {}

const FORMAT = {formattingOptions: {insertSpaces: true, tabSize: 2, eol: '\n'}}

async function readUserConfig(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError({file, problems: [readProblem(error)], actions: readActions(error, file), cause: error})
  }
}

/** Reads, edits with `change`, validates and writes back; `change` gets the text and returns the new text. */
async function editConfig(file: string, change: (text: string) => Promise<string>): Promise<EditResult> {
  const text = await readUserConfig(file)
  const created = text === undefined
  const original = text ?? '{}\n'
  // Throws ConfigError with line:column when the file isn't valid JSON: we refuse to touch it.
  await parseConfigText(original, file, 'json')
  const next = await change(original)
  const check = await validateConfigData(await parseConfigText(next, file, 'json'))
  if (check.problems.length > 0) throw new ConfigEditRejected({file, problems: check.problems, actions: ['Nothing was written.']})
  if (next === original && !created) return {file, created, changed: false}
  await mkdir(dirname(file), {recursive: true})
  const writeFileAtomic = (await import('write-file-atomic')).default
  await writeFileAtomic(file, next.endsWith('\n') ? next : `${next}\n`)
  return {file, created, changed: true}
}

export async function setConfigValue(file: string, path: Path, value: unknown): Promise<EditResult> {
  return editConfig(file, async (text) => {
    const {modify, applyEdits} = await import('jsonc-parser')
    return applyEdits(text, modify(text, path, value, FORMAT))
  })
}

/** Whether the user config holds a value at `path` (a file that is not there holds none; one that does not parse is an error). */
export async function configFileHasKey(file: string, path: Path): Promise<boolean> {
  const text = await readUserConfig(file)
  if (text === undefined) return false
  await parseConfigText(text, file, 'json')
  const {parseTree, findNodeAtLocation} = await import('jsonc-parser')
  const tree = parseTree(text, [], {disallowComments: false})
  return Boolean(tree && findNodeAtLocation(tree, path))
}

/** Removes a key, and the sections it leaves empty (`{"engines": {}}` goes too). Absent: nothing changes. */
export async function unsetConfigValue(file: string, path: Path): Promise<EditResult & {was_set: boolean}> {
  if ((await readUserConfig(file)) === undefined) return {file, created: false, changed: false, was_set: false}
  let wasSet = false
  const result = await editConfig(file, async (text) => {
    const {modify, applyEdits, parseTree, findNodeAtLocation, getNodeValue} = await import('jsonc-parser')
    const at = (t: string, p: Path) => {
      const tree = parseTree(t, [], {disallowComments: false})
      return tree ? findNodeAtLocation(tree, p) : undefined
    }
    if (!at(text, path)) return text
    wasSet = true
    let next = applyEdits(text, modify(text, path, undefined, FORMAT))
    for (let n = path.length - 1; n > 0; n--) {
      const parent = at(next, path.slice(0, n))
      const value: unknown = parent ? getNodeValue(parent) : undefined
      if (!value || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length > 0) break
      next = applyEdits(next, modify(next, path.slice(0, n), undefined, FORMAT))
    }
    return next
  })
  return {...result, changed: result.changed && wasSet, was_set: wasSet}
}
