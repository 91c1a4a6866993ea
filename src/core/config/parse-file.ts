/**
 * Reading one config file: JSON (strict, with line:column for every syntax error, via
 * jsonc-parser) or YAML (js-yaml, whose errors carry line and column). Nothing here writes.
 */
import {readFile} from 'node:fs/promises'
import {extname} from 'node:path'
import {ConfigError, type ConfigProblem} from '../errors.js'

export type ConfigFormat = 'json' | 'yaml'

export interface ParsedConfigFile {
  file: string
  format: ConfigFormat
  data: unknown
  /** Line and column (1-based) of the value at a JSON path, when it can be found. */
  locate(path: ReadonlyArray<PropertyKey>): {line: number; column: number} | undefined
}

export function formatFor(file: string): ConfigFormat {
  const ext = extname(file).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') return 'yaml'
  if (ext === '.json') return 'json'
  return 'auto' as ConfigFormat
}

function lineColumn(text: string, offset: number): {line: number; column: number} {
  let line = 1
  let last = -1
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      last = i
    }
  }
  return {line, column: offset - last}
}

async function parseJson(text: string, file: string): Promise<ParsedConfigFile> {
  const {parseTree, getNodeValue, findNodeAtLocation, printParseErrorCode} = await import('jsonc-parser')
  const errors: Array<{error: number; offset: number; length: number}> = []
  const tree = parseTree(text, errors, {allowTrailingComma: false, disallowComments: true, allowEmptyContent: false})
  if (errors.length > 0 || tree === undefined) {
    // The first error is the real one; the parser's recovery makes the rest echoes of it.
    const problems: ConfigProblem[] = (errors.length > 0 ? errors.slice(0, 1) : [{error: 0, offset: 0, length: 0}]).map((e) => ({
      path: '',
      message: `invalid JSON: ${errors.length > 0 ? printParseErrorCode(e.error as never).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'empty file'}`,
      ...lineColumn(text, e.offset),
    }))
    throw new ConfigError({file, problems})
  }
  return {
    file,
    format: 'json',
    data: getNodeValue(tree),
    locate(path) {
      const node = findNodeAtLocation(tree, path.map((p) => (typeof p === 'number' ? p : String(p))))
      if (!node) return undefined
      // Point at the property name when there is one, which is what an editor shows.
      const at = node.parent?.type === 'property' ? node.parent.offset : node.offset
      return lineColumn(text, at)
    },
  }
}

async function parseYaml(text: string, file: string): Promise<ParsedConfigFile> {
  const yaml = (await import('js-yaml')).default
  try {
    const data = text.trim() === '' ? {} : yaml.load(text, {filename: file})
    return {file, format: 'yaml', data, locate: () => undefined}
  } catch (error) {
    const mark = (error as {mark?: {line: number; column: number}}).mark
    const reason = (error as {reason?: string}).reason ?? (error as Error).message
    throw new ConfigError({
      file,
      problems: [{path: '', message: `invalid YAML: ${reason}`, line: mark ? mark.line + 1 : undefined, column: mark ? mark.column + 1 : undefined}],
    })
  }
}

/** Parses config text; `auto` (no extension, e.g. `.ctorc`) tries JSON first, then YAML. */
export async function parseConfigText(text: string, file: string, format: ConfigFormat | 'auto' = formatFor(file)): Promise<ParsedConfigFile> {
  if (format === 'json') return parseJson(text, file)
  if (format === 'yaml') return parseYaml(text, file)
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJson(text, file)
  return parseYaml(text, file)
}

/** Reads and parses a config file; undefined when it does not exist. */
export async function readConfigFile(file: string): Promise<ParsedConfigFile | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError({file, problems: [{path: '', message: `cannot read: ${(error as Error).message}`}], cause: error})
  }
  return parseConfigText(text, file)
}
