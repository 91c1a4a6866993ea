/**
 * Finding and reading the config layers, lowest precedence first:
 * defaults → user config → project config (from cwd upward) → ORCHESTRATOR_CONFIG /
 * CTO_CONFIG → environment → flags. Each file is validated on its own, so a problem names its file,
 * JSON path and line:column. Files are read afresh on every command: nothing can go stale.
 */
import {userConfigPath, homeDir} from '../paths.js'
import {ConfigError, type ConfigProblem} from '../errors.js'
import type {ConfigFile} from './schema.js'
import {parseConfigText, readConfigFile, type ParsedConfigFile} from './parse-file.js'
import {readFile} from 'node:fs/promises'

export type LayerKind = 'user' | 'project' | 'env-file' | 'env' | 'flags'

export interface ConfigLayer {
  kind: LayerKind
  /** Human label: the file path, `CTO_MODEL`, `--model`. */
  source: string
  file?: string
  data: ConfigFile
}

export interface ValidationResult {
  data?: ConfigFile
  problems: ConfigProblem[]
  /** Keys cto does not know: kept out of the effective config, reported by `config validate`. */
  unknownKeys: string[]
}

export const PROJECT_SEARCH_PLACES = ['cto.config.json', '.ctorc', '.ctorc.json', '.ctorc.yaml', '.ctorc.yml', 'package.json']

/**
 * Validates parsed data against the schema and reports every problem with its path and position.
 * zod is imported here, not at start-up: a user without config files never pays for it.
 */
export async function validateConfigData(parsed: Pick<ParsedConfigFile, 'data' | 'locate'>): Promise<ValidationResult> {
  const {configSchema, TOP_LEVEL_KEYS} = await import('./schema.js')
  const data = parsed.data
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {problems: [{path: '', message: 'the config must be an object ({ ... })'}], unknownKeys: []}
  }
  const unknownKeys = Object.keys(data).filter((k) => !TOP_LEVEL_KEYS.includes(k))
  const result = configSchema.safeParse(data)
  if (result.success) return {data: result.data, problems: [], unknownKeys}
  const problems = await Promise.all(
    result.error.issues.map(async (issue) => {
      const path = issue.path.map(String).join('.')
      let position = await parsed.locate(issue.path)
      for (let n = issue.path.length - 1; !position && n >= 0; n--) position = await parsed.locate(issue.path.slice(0, n))
      return {path, message: issue.message, ...position}
    }),
  )
  return {problems, unknownKeys}
}

async function layerFromFile(kind: LayerKind, file: string, parsed: ParsedConfigFile): Promise<ConfigLayer> {
  const {data, problems} = await validateConfigData(parsed)
  if (!data) throw new ConfigError({file, problems})
  return {kind, source: file, file, data}
}

/**
 * The project config found from `cwd` upward (stopping at home), or undefined. lilconfig does the
 * search (cosmiconfig's search places and semantics; it is already in the tree as a dependency of
 * @oclif/core): cosmiconfig cost ~22 ms of every command's start-up here, lilconfig ~4 ms. We parse
 * the file ourselves so syntax errors carry line:column.
 */
export async function findProjectConfig(cwd: string, env: NodeJS.ProcessEnv): Promise<ParsedConfigFile | undefined> {
  // lilconfig is CommonJS: its named export sits on `default` when loaded from a bundle.
  const mod = (await import('lilconfig')) as typeof import('lilconfig') & {default?: typeof import('lilconfig')}
  const lilconfig = mod.lilconfig ?? mod.default?.lilconfig
  const load = async (file: string, text: string) => (await parseConfigText(text, file, file.endsWith('.json') ? 'json' : 'auto')).data
  const found = await lilconfig('cto', {
    searchPlaces: PROJECT_SEARCH_PLACES,
    stopDir: homeDir(env),
    cache: false,
    loaders: {'.json': load, '.yaml': load, '.yml': load, noExt: load},
  }).search(cwd)
  if (!found || found.isEmpty || found.config === undefined) return undefined
  if (found.filepath.endsWith('package.json')) {
    const whole = await parseConfigText(await readFile(found.filepath, 'utf8'), found.filepath, 'json')
    return {file: found.filepath, format: 'json', data: found.config, locate: (path) => whole.locate(['cto', ...path])}
  }
  return parseConfigText(await readFile(found.filepath, 'utf8'), found.filepath)
}

export interface ReadLayersOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  /** Values from command flags, already in config shape. */
  flags?: ConfigFile
}

/** Reads every layer (not the defaults, which depend on the installed plugins). */
export async function readConfigLayers(opts: ReadLayersOptions): Promise<ConfigLayer[]> {
  const layers: ConfigLayer[] = []
  const userFile = userConfigPath(opts.env)
  const user = await readConfigFile(userFile)
  if (user) layers.push(await layerFromFile('user', userFile, user))

  const project = await findProjectConfig(opts.cwd, opts.env)
  if (project && project.file !== userFile) layers.push(await layerFromFile('project', project.file, project))

  const envFileVar = opts.env.ORCHESTRATOR_CONFIG ? 'ORCHESTRATOR_CONFIG' : opts.env.CTO_CONFIG ? 'CTO_CONFIG' : undefined
  if (envFileVar) {
    const file = opts.env[envFileVar] as string
    const parsed = await readConfigFile(file)
    if (!parsed) {
      throw new ConfigError({
        file,
        problems: [{path: '', message: `${envFileVar} names a file that does not exist`}],
        actions: [`Create ${file}, or unset ${envFileVar}.`],
      })
    }
    layers.push(await layerFromFile('env-file', file, parsed))
  }

  if (opts.env.CTO_MODEL) layers.push({kind: 'env', source: 'CTO_MODEL', data: {cto_model: opts.env.CTO_MODEL}})
  if (opts.env.CTO_STORE_URL) layers.push({kind: 'env', source: 'CTO_STORE_URL', data: {store: {url: opts.env.CTO_STORE_URL}}})
  if (opts.flags && Object.keys(opts.flags).length > 0) layers.push({kind: 'flags', source: 'flags', data: opts.flags})
  return layers
}
