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
  const sql = postgres(settings.url as string, {
    max: 1,
    fetch_types: false,
    connect_timeout: settings.connectTimeoutSeconds,
    onnotice: () => {},
    connection: {application_name: 'cto', search_path: settings.schema},
  })
  return {sql, ctx: errorContext(settings), schema: settings.schema}
}
