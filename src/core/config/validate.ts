/**
 * `cto config validate`: check one file, or every config file cto would read, and report every
 * problem (JSON path, line:column) and every warning. Never writes.
 */
import {EXIT} from '../exit-codes.js'
import {CtoError, type ConfigProblem} from '../errors.js'
import {strayUserConfigs, userConfigPath} from '../paths.js'
import {aliasTable, canonicalName} from './effective.js'
import {findProjectConfig, validateConfigData} from './layers.js'
import {readConfigFile, type ParsedConfigFile} from './parse-file.js'
import type {Catalog} from '../providers/registry.js'
import type {ConfigFile} from './schema.js'
import {formatKey} from '../cli/config-key-arg.js'

export interface FileReport {
  file: string
  /** Which layer it is: user, project, env-file, or given. */
  role: string
  valid: boolean
  problems: ConfigProblem[]
  warnings: string[]
}

export interface ValidateReport {
  valid: boolean
  files: FileReport[]
}

function modelWarnings(data: ConfigFile, catalog: Catalog): string[] {
  const aliases = aliasTable(catalog)
  const known = new Set(catalog.models.map((m) => m.name))
  const warnings: string[] = []
  const check = (name: string, where: string) => {
    const c = canonicalName(name, aliases)
    if (c !== name) warnings.push(`${where}: legacy model name "${name}" is read as "${c}".`)
    else if (!known.has(name)) warnings.push(`${where}: model "${name}" is provided by no installed plugin; it is kept and assumed enabled.`)
  }
  for (const group of ['claude', 'external'] as const) {
    for (const name of Object.keys(data.worker_models?.[group] ?? {})) check(name, formatKey(['worker_models', group, name]))
  }
  if (data.cto_model) check(data.cto_model, 'cto_model')
  for (const [from, to] of Object.entries(data.fallback_chain ?? {})) for (const n of [from, ...to]) check(n, formatKey(['fallback_chain', from]))
  return [...new Set(warnings)]
}

async function reportFor(file: string, role: string, load: () => Promise<ParsedConfigFile | undefined>, catalog: Catalog): Promise<FileReport | undefined> {
  let parsed: ParsedConfigFile | undefined
  try {
    parsed = await load()
  } catch (error) {
    if (CtoError.isInstance(error) && 'problems' in error) {
      // The project config's path is known only once found: the error names it.
      const named = (error as unknown as {file?: string}).file ?? file
      return {file: named, role, valid: false, problems: (error as unknown as {problems: ConfigProblem[]}).problems, warnings: []}
    }
    throw error
  }
  if (!parsed) return undefined
  const result = await validateConfigData(parsed)
  const warnings = result.unknownKeys.map((k) => `${k.key}: unknown key; cto ignores it.${k.suggestion ? ` Did you mean "${k.suggestion}"?` : ''}`)
  if (result.data) warnings.push(...modelWarnings(result.data, catalog))
  return {file: parsed.file, role, valid: result.problems.length === 0, problems: result.problems, warnings}
}

export async function validateConfig(opts: {file?: string; cwd: string; env: NodeJS.ProcessEnv; catalog: Catalog}): Promise<ValidateReport> {
  const reports: FileReport[] = []
  if (opts.file) {
    const r = await reportFor(opts.file, 'given', () => readConfigFile(opts.file as string), opts.catalog)
    if (!r) throw new CtoError({code: 'NO_SUCH_FILE', message: `No such file: ${opts.file}`, actions: ['Check the path.'], exitCode: EXIT.usage})
    reports.push(r)
  } else {
    const user = userConfigPath(opts.env)
    const candidates: Array<[string, string, () => Promise<ParsedConfigFile | undefined>]> = [
      [user, 'user', () => readConfigFile(user)],
      ['(project)', 'project', () => findProjectConfig(opts.cwd, opts.env)],
    ]
    const envFile = opts.env.ORCHESTRATOR_CONFIG || opts.env.CTO_CONFIG
    if (envFile) candidates.push([envFile, opts.env.ORCHESTRATOR_CONFIG ? 'ORCHESTRATOR_CONFIG' : 'CTO_CONFIG', () => readConfigFile(envFile)])
    for (const [file, role, load] of candidates) {
      const r = await reportFor(file, role, load, opts.catalog)
      if (r && !(role === 'project' && r.file === user)) reports.push(r)
      else if (!r && role !== 'user' && role !== 'project') reports.push({file, role, valid: false, problems: [{path: '', message: `${role} names a file that does not exist`}], warnings: []})
    }
    // A config written under another name in the config folder is silently not read: say so. It
    // fails the check when it is the only user config (the user's settings are not in effect).
    const hasUser = reports.some((r) => r.role === 'user')
    for (const stray of strayUserConfigs(opts.env)) {
      const message = `cto does not read this file: the user config is ${user} (JSON, comments allowed). Move the settings there, or check this file alone with "cto config validate ${stray}".`
      reports.push(hasUser ? {file: stray, role: 'not read', valid: true, problems: [], warnings: [message]} : {file: stray, role: 'not read', valid: false, problems: [{path: '', message}], warnings: []})
    }
  }
  return {valid: reports.every((r) => r.valid), files: reports}
}
