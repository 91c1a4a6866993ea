/**
 * Finding the project config: from the working directory upward (to the home directory, or to
 * the root for a folder outside home), the first of `cto.config.json`, `.ctorc`, `.ctorc.json`,
 * `.ctorc.yaml`, `.ctorc.yml`, or a `package.json` with a `cto` key (cosmiconfig's places and order).
 *
 * Hand-written rather than lilconfig, which skips a file it can't `access()` (a dangling symlink)
 * and an empty file without a word and goes on searching in the parent folders: the user's config
 * was then ignored silently, or a parent project's used instead. Here a config file that is there
 * but can't be used (a dangling link, a folder, unreadable, empty JSON) is a ConfigError naming it.
 */
import {lstat, readFile, readlink, stat} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'
import {ConfigError} from '../errors.js'
import {readActions, readProblem} from './parse-file.js'

export const PROJECT_SEARCH_PLACES = ['cto.config.json', '.ctorc', '.ctorc.json', '.ctorc.yaml', '.ctorc.yml', 'package.json']

export interface FoundProjectConfig {
  file: string
  text: string
  /** For package.json: the `cto` value (already parsed). */
  packageProp?: unknown
}

/** The first usable project config from `cwd` upward, or undefined. Throws ConfigError for one that is there but broken. */
export async function searchProjectConfig(cwd: string, stopDir: string): Promise<FoundProjectConfig | undefined> {
  let dir = resolve(cwd)
  const stop = resolve(stopDir)
  for (;;) {
    for (const place of PROJECT_SEARCH_PLACES) {
      const file = join(dir, place)
      const found = await readCandidate(file, place)
      if (found) return found
    }
    const parent = dirname(dir)
    if (dir === stop || parent === dir) return undefined
    dir = parent
  }
}

async function readCandidate(file: string, place: string): Promise<FoundProjectConfig | undefined> {
  try {
    await lstat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw new ConfigError({file, problems: [readProblem(error)], actions: readActions(error, file), cause: error})
  }
  try {
    await stat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError({file, problems: [readProblem(error)], actions: readActions(error, file), cause: error})
    const target = await readlink(file).catch(() => '?')
    throw new ConfigError({
      file,
      problems: [{path: '', message: `a symbolic link to ${target}, which does not exist`}],
      actions: [`Point ${file} at an existing file, or remove it.`],
    })
  }
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError({file, problems: [readProblem(error)], actions: readActions(error, file), cause: error})
  }
  if (place === 'package.json') {
    let pkg: unknown
    try {
      pkg = JSON.parse(text)
    } catch {
      // Not ours to judge: a broken package.json without a cto key is someone else's problem.
      return undefined
    }
    const prop = (pkg as Record<string, unknown> | null)?.cto
    return prop === undefined || prop === null ? undefined : {file, text, packageProp: prop}
  }
  if (text.trim() === '' && (place.endsWith('.json') || place === '.ctorc')) {
    throw new ConfigError({file, problems: [{path: '', message: 'the file is empty'}], actions: [`Write {} in ${file} for an empty config, or remove it.`]})
  }
  return {file, text}
}
