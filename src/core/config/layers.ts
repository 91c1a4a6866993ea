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
import {searchProjectConfig} from './project-config.js'
import {cachedCheck, rememberCheck} from './validation-cache.js'
import type {UnknownKey} from './config-keys.js'

export type LayerKind = 'user' | 'project' | 'env-file' | 'env' | 'flags'

export interface ConfigLayer {
  kind: LayerKind
  /** Human label: the file path, `CTO_MODEL`, `--model`. */
  source: string
  file?: string
  data: ConfigFile
  /** A project config the user has not trusted: the gated fields it set (ignored; see trust.ts). */
  untrusted?: string[]
  /** The project config as written, gated fields included (for `cto config trust`). */
  written?: ConfigFile
  /** Keys in the file cto does not know and so ignores (a typo, most often): every command that reads the config says so. */
  unknownKeys?: UnknownKey[]
}

export interface ValidationResult {
  data?: ConfigFile
  problems: ConfigProblem[]
  /** Keys cto does not know (at any depth): kept out of the effective config, reported by every command that reads it. */
  unknownKeys: UnknownKey[]
}

export {PROJECT_SEARCH_PLACES} from './project-config.js'

/**
 * Validates parsed data against the schema and reports every problem with its path and position.
 * zod is imported here, not at start-up: a user without config files never pays for it.
 */
export async function validateConfigData(parsed: Pick<ParsedConfigFile, 'data' | 'locate'>): Promise<ValidationResult> {
  const [{configSchema}, {unknownConfigKeys}] = await Promise.all([import('./schema.js'), import('./config-keys.js')])
  const data = parsed.data
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {problems: [{path: '', message: 'the config must be an object ({ ... })'}], unknownKeys: []}
  }
  const unknownKeys = unknownConfigKeys(data, configSchema as unknown as import('zod').ZodType)
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
  // zod reports in schema order; a reader goes down the file: by line, then column (whole-file problems first).
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  return {problems, unknownKeys}
}

/** What the cache keeps of a file that passed: the checked data, and the unknown keys found in it (said on every run, so kept too). */
interface CheckedLayer {
  config: ConfigFile
  unknown_keys: UnknownKey[]
}

function isCheckedLayer(v: unknown): v is CheckedLayer {
  return typeof v === 'object' && v !== null && typeof (v as CheckedLayer).config === 'object' && Array.isArray((v as CheckedLayer).unknown_keys)
}

async function layerFromFile(kind: LayerKind, file: string, parsed: ParsedConfigFile, env: NodeJS.ProcessEnv): Promise<ConfigLayer> {
  // Checked before with the same content and the same cto: reuse that (validation-cache.ts).
  const content = JSON.stringify(parsed.data)
  const hit = await cachedCheck('config-layer', content, env)
  if (hit && isCheckedLayer(hit.data)) {
    return {kind, source: file, file, data: withStoreUrl(hit.data.config, parsed.data), ...unknownKeysOf(hit.data.unknown_keys)}
  }
  const {data, problems, unknownKeys} = await validateConfigData(parsed)
  if (!data) throw new ConfigError({file, problems})
  await rememberCheck('config-layer', content, {config: withoutStoreUrl(data), unknown_keys: unknownKeys} satisfies CheckedLayer, env)
  return {kind, source: file, file, data, ...unknownKeysOf(unknownKeys)}
}

const unknownKeysOf = (keys: UnknownKey[]): Pick<ConfigLayer, 'unknownKeys'> => (keys.length > 0 ? {unknownKeys: keys} : {})

/** The cache never holds `store.url` (it may carry the team database's password): it is taken from the file again on a hit. */
function withoutStoreUrl(data: ConfigFile): ConfigFile {
  if (!data.store?.url) return data
  const {url: _url, ...store} = data.store
  return {...data, store}
}

function withStoreUrl(cached: ConfigFile, raw: unknown): ConfigFile {
  const url = (raw as {store?: {url?: unknown}} | undefined)?.store?.url
  return typeof url === 'string' && url ? {...cached, store: {...cached.store, url}} : cached
}

/** The project config found from `cwd` upward (stopping at home), parsed, or undefined (see project-config.ts). */
export async function findProjectConfig(cwd: string, env: NodeJS.ProcessEnv): Promise<ParsedConfigFile | undefined> {
  const found = await searchProjectConfig(cwd, homeDir(env))
  if (!found) return undefined
  if (found.packageProp !== undefined) {
    const whole = await parseConfigText(found.text, found.file, 'json')
    return {file: found.file, format: 'json', data: found.packageProp, locate: (path) => whole.locate(['cto', ...path])}
  }
  return parseConfigText(found.text, found.file)
}

/** A project config's endpoints, keys, workspace and tool policy count only once the user trusts it. */
async function gateUntrusted(layer: ConfigLayer, env: NodeJS.ProcessEnv): Promise<ConfigLayer> {
  const {gatedFields, isTrusted, withoutGatedFields} = await import('./trust.js')
  const fields = gatedFields(layer.data)
  if (fields.length === 0 || (await isTrusted(layer.file!, layer.data, env))) return {...layer, written: layer.data}
  return {...layer, data: withoutGatedFields(layer.data), untrusted: fields, written: layer.data}
}

export interface ReadLayersOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  /** Values from command flags, already in config shape. */
  flags?: ConfigFile
  /**
   * A user config that parses but does not match the schema is left out instead of failing
   * (`cto config set`, whose change may be the repair). A file that does not parse still fails.
   */
  skipInvalidUserConfig?: boolean
}

/** Reads every layer (not the defaults, which depend on the installed plugins). */
export async function readConfigLayers(opts: ReadLayersOptions): Promise<ConfigLayer[]> {
  const layers: ConfigLayer[] = []
  const userFile = userConfigPath(opts.env)
  const user = await readConfigFile(userFile)
  if (user) {
    try {
      layers.push(await layerFromFile('user', userFile, user, opts.env))
    } catch (error) {
      if (!(opts.skipInvalidUserConfig && error instanceof ConfigError)) throw error
    }
  }

  const project = await findProjectConfig(opts.cwd, opts.env)
  if (project && project.file !== userFile) layers.push(await gateUntrusted(await layerFromFile('project', project.file, project, opts.env), opts.env))

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
    layers.push(await layerFromFile('env-file', file, parsed, opts.env))
  }

  if (opts.env.CTO_MODEL) layers.push({kind: 'env', source: 'CTO_MODEL', data: {cto_model: opts.env.CTO_MODEL}})
  if (opts.env.CTO_STORE_URL) layers.push({kind: 'env', source: 'CTO_STORE_URL', data: {store: {url: opts.env.CTO_STORE_URL}}})
  if (opts.flags && Object.keys(opts.flags).length > 0) layers.push({kind: 'flags', source: 'flags', data: opts.flags})
  return layers
}
