/**
 * Trust of project config files, as direnv and mise do it: a project config (found from the working
 * folder upward: `cto.config.json`, `.ctorc*`, `package.json#cto`) comes with the repository, so
 * whoever wrote the repository — or a model that ran in it — wrote it. Until the user trusts that
 * file, the fields that decide where keys go and what the tools may do are ignored, with a warning
 * naming `cto config trust`:
 *
 *   tools                           the workspace, the sandbox and the command policy
 *   provider_endpoints              endpoints, model ids and key files
 *   providers                       plugin settings (base URLs, local model lists)
 *   engines.claude_permission_mode  e.g. bypassPermissions
 *   review                          the test command run on every attempt, folders copied into attempts
 *   store                           the team database every attempt is recorded in and routing is read
 *                                   from (a repository's `"store": {"url": …}` would send your task
 *                                   excerpts to its database, and let it steer your routing)
 *   cost_optimization               the daily token budgets and cheap-first routing: how much of your
 *   engines.max_turns               money a task may spend is yours to say, not a cloned repository's
 *
 * Trust is stored per file path and content digest in `<config dir>/trusted.json` (mode 0600;
 * that folder is hidden from the tools and the sandbox). The digest covers the parsed config (for
 * package.json its `cto` key), so comments and other package.json fields don't revoke it, and any
 * change of the config itself does.
 */
import {createHash} from 'node:crypto'
import {mkdir, readFile} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {configDir} from '../paths.js'
import {CtoError} from '../errors.js'
import type {ConfigFile} from './schema.js'

export const TRUST_GATED_FIELDS = ['tools', 'provider_endpoints', 'providers', 'engines.claude_permission_mode', 'engines.max_turns', 'review', 'store', 'cost_optimization'] as const

export interface TrustEntry {
  digest: string
  trusted_at: string
}

interface TrustFile {
  version: 1
  files: Record<string, TrustEntry>
}

export function trustStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'trusted.json')
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The digest trust is bound to: sha256 of the config data in canonical JSON. */
export function configDigest(data: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(data)).digest('hex')}`
}

/** The gated fields a config sets, as dotted paths. */
export function gatedFields(data: ConfigFile): string[] {
  const out: string[] = []
  for (const field of TRUST_GATED_FIELDS) {
    const [top, sub] = field.split('.') as [keyof ConfigFile, string | undefined]
    const v = data[top] as Record<string, unknown> | undefined
    if (v === undefined) continue
    if (sub === undefined) out.push(field)
    else if (v && typeof v === 'object' && v[sub] !== undefined) out.push(field)
  }
  return out
}

/** The config without its gated fields. */
export function withoutGatedFields(data: ConfigFile): ConfigFile {
  const out = {...data} as Record<string, unknown>
  for (const field of TRUST_GATED_FIELDS) {
    const [top, sub] = field.split('.') as [string, string | undefined]
    if (sub === undefined) delete out[top]
    else if (out[top] && typeof out[top] === 'object') {
      const {[sub]: _dropped, ...rest} = out[top] as Record<string, unknown>
      out[top] = rest
    }
  }
  return out as ConfigFile
}

async function readTrustFile(env: NodeJS.ProcessEnv): Promise<TrustFile> {
  const file = trustStorePath(env)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {version: 1, files: {}}
    throw new CtoError({code: 'TRUST_STORE_UNREADABLE', message: `Can't read ${file}: ${(error as Error).message}.`, actions: [`Check the permissions of ${file}.`]})
  }
  try {
    const parsed = JSON.parse(text) as TrustFile
    if (parsed && typeof parsed === 'object' && parsed.files && typeof parsed.files === 'object') return {version: 1, files: parsed.files}
  } catch {
    // reported below
  }
  // An unreadable trust store trusts nothing; it is never overwritten silently.
  throw new CtoError({
    code: 'TRUST_STORE_CORRUPT',
    message: `${file} is not a valid trust store, so no project config is trusted.`,
    actions: [`Move it away (mv "${file}" "${file}.bad") and run "cto config trust" again in each project you trust.`],
  })
}

/** Is this project config trusted as it is now? Never throws: a broken trust store trusts nothing. */
export async function isTrusted(file: string, data: unknown, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const store = await readTrustFile(env)
    return store.files[resolve(file)]?.digest === configDigest(data)
  } catch {
    return false
  }
}

async function writeTrustFile(store: TrustFile, env: NodeJS.ProcessEnv): Promise<void> {
  const file = trustStorePath(env)
  await mkdir(dirname(file), {recursive: true, mode: 0o700})
  const writeFileAtomic = (await import('write-file-atomic')).default
  await writeFileAtomic(file, `${JSON.stringify(store, null, 2)}\n`, {mode: 0o600})
}

export async function trustConfig(file: string, data: unknown, env: NodeJS.ProcessEnv, now = new Date()): Promise<TrustEntry> {
  const store = await readTrustFile(env)
  const entry = {digest: configDigest(data), trusted_at: now.toISOString()}
  store.files[resolve(file)] = entry
  await writeTrustFile(store, env)
  return entry
}

/** Returns whether the file was trusted before. */
export async function revokeTrust(file: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const store = await readTrustFile(env)
  const key = resolve(file)
  if (!store.files[key]) return false
  delete store.files[key]
  await writeTrustFile(store, env)
  return true
}

export function untrustedWarning(file: string, fields: string[]): string {
  return `${file} sets ${fields.join(', ')}, which a project config may change only once you trust it: ignored. Review the file, then run "cto config trust" in that folder.`
}
