/**
 * Which performance store a command uses: the local files (default) or a team's PostgreSQL
 * database, from `CTO_STORE_URL` or config `"store": {"url": "postgres://…"}` (the variable wins).
 *
 * The URL carries a password: it is kept in `url` for connecting and nowhere else. What is shown
 * (`location`, errors, `cto status`, `cto config show`) is `redactStoreUrl(url)`, the URL without
 * its password; the setting is named by where it came from (`CTO_STORE_URL`, or `store.url in FILE`).
 */
import {createHash} from 'node:crypto'
import {CtoError} from '../errors.js'

export const DEFAULT_TEAM_SCHEMA = 'cto'
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5

export interface StoreSettings {
  kind: 'files' | 'postgres'
  /** The full URL, password included: for connecting only, never for output. */
  url?: string
  /** Where the URL came from: `CTO_STORE_URL` or `store.url in <file>`. */
  setting?: string
  /** PostgreSQL schema holding cto's tables (config `store.schema`, default `cto`). */
  schema: string
  connectTimeoutSeconds: number
}

/** The config section (see config/schema.ts `store`). */
export interface StoreConfig {
  url?: string
  schema?: string
  connect_timeout_seconds?: number
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** `postgres://user:secret@host/db` → `postgres://user@host/db`; anything unparsable is masked whole after the scheme. */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password === '') return url
    u.password = ''
    return u.toString()
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? ''
    return `${scheme}***`
  }
}

/** The password of a store URL (to scrub it from anything that might echo it), or undefined. */
export function storeUrlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const p = new URL(url).password
    return p === '' ? undefined : decodeURIComponent(p)
  } catch {
    return undefined
  }
}

/** A short stable id of a team store (host, port, database, user, schema; not the password): names its local spool folder. */
export function teamStoreId(settings: Pick<StoreSettings, 'url' | 'schema'>): string {
  return createHash('sha256')
    .update(`${redactStoreUrl(settings.url ?? '')}|${settings.schema}`)
    .digest('hex')
    .slice(0, 16)
}

function badUrl(setting: string, url: string, why: string): CtoError {
  return new CtoError({
    code: 'STORE_URL_INVALID',
    message: `${setting} is not a usable PostgreSQL URL (${redactStoreUrl(url)}): ${why}.`,
    actions: [`Set ${setting} to postgres://USER:PASSWORD@HOST:PORT/DATABASE (add ?sslmode=require when the server requires TLS), or unset it to use the local store.`],
  })
}

/**
 * Settings from the environment and the merged config section. `configSource` names where
 * `store.url` came from in config (a file path), for error messages.
 */
export function resolveStoreSettings(env: NodeJS.ProcessEnv, config: StoreConfig | undefined, configSource?: string): StoreSettings {
  const schema = config?.schema ?? DEFAULT_TEAM_SCHEMA
  const connectTimeoutSeconds = config?.connect_timeout_seconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS
  const fromEnv = env.CTO_STORE_URL !== undefined && env.CTO_STORE_URL !== ''
  const url = fromEnv ? env.CTO_STORE_URL : config?.url
  if (!url) return {kind: 'files', schema, connectTimeoutSeconds}
  const setting = fromEnv ? 'CTO_STORE_URL' : `store.url${configSource ? ` in ${configSource}` : ''}`
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw badUrl(setting, url, 'it does not parse as a URL')
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw badUrl(setting, url, `the scheme is "${parsed.protocol.replace(/:$/, '')}", not postgres`)
  if (!SCHEMA_NAME.test(schema)) {
    throw new CtoError({
      code: 'STORE_SCHEMA_NAME_INVALID',
      message: `store.schema "${schema}" is not a plain PostgreSQL name (lower-case letters, digits, _; at most 63).`,
      actions: ['Set store.schema to a name such as "cto" or "cto_team".'],
    })
  }
  return {kind: 'postgres', url, setting, schema, connectTimeoutSeconds}
}

/**
 * Settings for a command that doesn't load the whole context (`cto perf`, `cto store …`): the
 * config layers are read (files only: no plugins), the highest layer's `store` values win.
 */
export async function readStoreSettings(opts: {env: NodeJS.ProcessEnv; cwd?: string}): Promise<StoreSettings> {
  const {readConfigLayers} = await import('../config/layers.js')
  const layers = await readConfigLayers({cwd: opts.cwd ?? process.cwd(), env: opts.env})
  const merged: StoreConfig = {}
  let source: string | undefined
  for (const layer of layers) {
    const s = layer.data.store
    if (!s) continue
    if (s.url !== undefined) {
      merged.url = s.url
      source = layer.source
    }
    if (s.schema !== undefined) merged.schema = s.schema
    if (s.connect_timeout_seconds !== undefined) merged.connect_timeout_seconds = s.connect_timeout_seconds
  }
  return resolveStoreSettings(opts.env, merged, source)
}
