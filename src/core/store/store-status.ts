/**
 * `cto store status`: which store this machine uses, its schema version, its size and how long a
 * round trip to it takes; for a team store also what waits in the local spool. A team store that
 * can't be reached is reported (reachable: false, with the error that names the setting).
 */
import {readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {CtoError} from '../errors.js'
import {openPerfStore, teamDir} from './open-perf-store.js'
import {redactStoreUrl, type StoreSettings} from './store-settings.js'

export interface StoreStatus {
  kind: 'files' | 'postgres'
  /** The folder, or the database URL without its password. */
  location: string
  /** Where the URL came from (team store). */
  setting?: string
  reachable: boolean
  error?: {code: string; message: string; actions: string[]}
  /** Team store: the schema applied in the database and the one this cto writes. Files: the layout version. */
  version?: {applied: number; supported: number}
  schema?: string
  server_version?: string
  /** Bytes on disk: the store folder, or cto's tables and indexes in the database. */
  size_bytes?: number
  attempts?: number
  baselines?: number
  models?: number
  /** Median of 5 round trips: `SELECT 1` on the database, or re-reading the totals of the local store. */
  latency_ms?: number
  /** Team store: attempts kept on this machine while the database was unreachable. */
  spool?: {dir: string; pending: number}
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function folderBytes(dir: string): Promise<number> {
  let total = 0
  let entries
  try {
    entries = await readdir(dir, {withFileTypes: true})
  } catch {
    return 0
  }
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) total += await folderBytes(p)
    else total += (await stat(p).catch(() => ({size: 0}))).size
  }
  return total
}

export async function storeStatus(o: {settings: StoreSettings; env: NodeJS.ProcessEnv; onWarning?: (m: string) => void}): Promise<StoreStatus> {
  const {settings, env} = o
  if (settings.kind === 'files') {
    const store = await openPerfStore({settings, env, onWarning: o.onWarning})
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      await store.refresh()
      times.push(performance.now() - t)
    }
    const info = store.info()
    return {
      kind: 'files',
      location: store.location,
      reachable: true,
      size_bytes: await folderBytes(store.location),
      attempts: info.attempts,
      baselines: info.baselines,
      models: info.models,
      latency_ms: median(times),
    }
  }
  const {Spool} = await import('./pg/spool.js')
  const spool = new Spool(join(teamDir(env, settings), 'spool'))
  const base: StoreStatus = {kind: 'postgres', location: redactStoreUrl(settings.url as string), setting: settings.setting, schema: settings.schema, reachable: false}
  let store
  try {
    store = (await openPerfStore({settings, env, onWarning: o.onWarning})) as import('./pg/pg-store.js').PgPerfStore
  } catch (error) {
    if (!CtoError.isInstance(error)) throw error
    return {...base, error: {code: error.code, message: error.message, actions: error.actions}, spool: {dir: spool.dir, pending: await spool.pending()}}
  }
  try {
    const {sql} = store.connection
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      await sql`SELECT 1`
      times.push(performance.now() - t)
    }
    const {SCHEMA_VERSION} = await import('./pg/migrations.js')
    const [row] = await sql<Array<{size: number | null; server: string}>>`
      SELECT (SELECT sum(pg_total_relation_size(c.oid))::float8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = ${settings.schema} AND c.relkind IN ('r', 'm')) AS size,
             current_setting('server_version') AS server`
    const info = store.info()
    return {
      ...base,
      location: store.location,
      reachable: true,
      version: {applied: store.schemaVersion, supported: SCHEMA_VERSION},
      server_version: row.server,
      size_bytes: row.size ?? 0,
      attempts: info.attempts,
      baselines: info.baselines,
      models: info.models,
      latency_ms: median(times),
      spool: {dir: spool.dir, pending: await spool.pending()},
    }
  } catch (error) {
    throw store.fail(error, 'read')
  } finally {
    await store.close()
  }
}
