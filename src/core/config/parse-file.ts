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
  locate(path: ReadonlyArray<PropertyKey>): Promise<{line: number; column: number} | undefined>
}

/** By extension; `auto` for none (`.ctorc`): JSON when it looks like JSON, else YAML. */
export function formatFor(file: string): ConfigFormat | 'auto' {
  const ext = extname(file).toLowerCase()
  if (ext === '.yaml' || ext === '.yml') return 'yaml'
  if (ext === '.json') return 'json'
  return 'auto'
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

/**
 * JSON.parse first (native, and start-up matters: every command reads config); jsonc-parser only
 * when there is something to point at: a syntax error, a schema problem's position, or comments
 * (line and block comments are allowed in a JSON config, as in VS Code's settings.json, so that a file
 * `cto config set` edits can keep its notes).
 */
async function parseJson(text: string, file: string): Promise<ParsedConfigFile> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    data = await parseJsonWithComments(text, file)
  }
  let tree: import('jsonc-parser').Node | undefined
  return {
    file,
    format: 'json',
    data,
    async locate(path) {
      const {parseTree, findNodeAtLocation} = await import('jsonc-parser')
      tree ??= parseTree(text, [], {disallowComments: false})
      const node = tree && findNodeAtLocation(tree, path.map((p) => (typeof p === 'number' ? p : String(p))))
      if (!node) return undefined
      // Point at the property name when there is one, which is what an editor shows.
      const at = node.parent?.type === 'property' ? node.parent.offset : node.offset
      return lineColumn(text, at)
    },
  }
}

/** JSON with comments (no trailing commas), or the syntax error with line:column. */
async function parseJsonWithComments(text: string, file: string): Promise<unknown> {
  const {parseTree, getNodeValue} = await import('jsonc-parser')
  const errors: Array<{error: number; offset: number; length: number}> = []
  const tree = parseTree(text, errors, {allowTrailingComma: false, disallowComments: false, allowEmptyContent: false})
  if (errors.length > 0 || !tree) return throwJsonSyntaxError(text, file)
  return getNodeValue(tree)
}

async function throwJsonSyntaxError(text: string, file: string): Promise<never> {
  const {parseTree, printParseErrorCode} = await import('jsonc-parser')
  const errors: Array<{error: number; offset: number; length: number}> = []
  parseTree(text, errors, {allowTrailingComma: false, disallowComments: false, allowEmptyContent: false})
  // The first error is the real one; the parser's recovery makes the rest echoes of it.
  const first = errors[0]
  const problems: ConfigProblem[] = [
    {
      path: '',
      message: `invalid JSON: ${first ? printParseErrorCode(first.error as never).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'empty file'}`,
      ...lineColumn(text, first?.offset ?? 0),
    },
  ]
  throw new ConfigError({file, problems})
}

async function parseYaml(text: string, file: string): Promise<ParsedConfigFile> {
  const yaml = (await import('js-yaml')).default
  try {
    const data = text.trim() === '' ? {} : yaml.load(text, {filename: file})
    return {file, format: 'yaml', data, locate: async () => undefined}
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

/** A read error as a config problem, in words: "it is a folder", "permission denied". */
export function readProblem(error: unknown): ConfigProblem {
  const code = (error as NodeJS.ErrnoException).code
  const why =
    code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read: ${(error as Error).message}`
  return {path: '', message: why}
}

/** What to do about a file that can't be read, by error code. */
export function readActions(error: unknown, file: string): string[] {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EACCES':
    case 'EPERM':
      return [`Make it readable: chmod u+r ${file}`]
    case 'EISDIR':
      return [`${file} is a folder: rename or remove it; the config is a file.`]
    default:
      return [`Check ${file}, then run "cto config validate".`]
  }
}

/** Reads and parses a config file; undefined when it does not exist. */
export async function readConfigFile(file: string): Promise<ParsedConfigFile | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError({file, problems: [readProblem(error)], actions: readActions(error, file), cause: error})
  }
  return parseConfigText(text, file)
}
