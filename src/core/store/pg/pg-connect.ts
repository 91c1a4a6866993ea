/**
 * One connection to the team's database with postgres.js (`postgres` on npm: no dependencies,
 * ESM, cursors and pipelining built in; loads in ~20 ms where `pg` took ~90 ms, which every
 * `cto perf` would pay). A CLI command needs one connection: `max: 1`, so queries issued together
 * are pipelined on it (a record and the re-read of the totals cost one round trip).
 *
 * `search_path` is set to cto's schema at connection start-up, so every statement and the stored
 * functions find cto's tables there. The URL is handed to postgres.js and nowhere else.
 */
import type {Sql} from 'postgres'
import type {StoreSettings} from '../store-settings.js'
import {redactStoreUrl} from '../store-settings.js'
import type {ErrorContext} from './pg-errors.js'

export interface PgConnection {
  sql: Sql
  ctx: ErrorContext
  schema: string
  /** Whether a server has answered the connection's start-up yet (it reports its parameters once it let us in). */
  answered: () => boolean
}

/** What errors and `cto store status` show about the connection, without the password. */
export function errorContext(settings: StoreSettings): ErrorContext {
  const url = new URL(settings.url as string)
  const sslmode = url.searchParams.get('sslmode') ?? url.searchParams.get('ssl') ?? ''
  return {
    location: `${redactStoreUrl(settings.url as string)}${settings.schema === 'cto' ? '' : ` (schema ${settings.schema})`}`,
    setting: settings.setting ?? 'CTO_STORE_URL',
    tls: ['require', 'verify-ca', 'verify-full', 'true'].includes(sslmode),
    user: decodeURIComponent(url.username) || process.env.PGUSER || 'postgres',
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres',
    host: `${url.hostname || 'localhost'}:${url.port || '5432'}`,
  }
}

export async function connect(settings: StoreSettings): Promise<PgConnection> {
  const {default: postgres} = await import('postgres')
  let answered = false
  const sql = postgres(settings.url as string, {
    max: 1,
    fetch_types: false,
    connect_timeout: settings.connectTimeoutSeconds,
    onnotice: () => {},
    onparameter: () => {
      answered = true
    },
    connection: {application_name: 'cto', search_path: settings.schema},
  })
  return {sql, ctx: errorContext(settings), schema: settings.schema, answered: () => answered}
}

/**
 * `p` (the first reads of a new connection), or an unreachable-store error if no server has
 * answered the start-up within 3 × the connect timeout (at least 3 s). postgres.js reconnects at
 * once, without end, while a connection closes before its start-up is done: a port where something
 * accepts and hangs up (a proxy with no database behind it) made `cto perf` open 20,000 connections
 * in 30 s and never return. Once a server has answered, the reads take the time they need.
 */
export function firstAnswer<T>(conn: PgConnection, settings: StoreSettings, p: Promise<T>): Promise<T> {
  const ms = Math.max(3, settings.connectTimeoutSeconds * 3) * 1000
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (conn.answered()) return
      void conn.sql.end({timeout: 0}).catch(() => {})
      reject(Object.assign(new Error(`something at ${conn.ctx.host} took the connection and closed it before answering, for ${ms / 1000} s`), {code: 'CONNECTION_CLOSED'}))
    }, ms)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}
