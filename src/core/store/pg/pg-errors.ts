/**
 * What can go wrong between cto and the team's database, as one clear error each that names the
 * setting to change (`CTO_STORE_URL`, or `store.url in FILE`) and shows the URL without its
 * password. Two kinds:
 *
 * - unreachable (refused, timed out, unknown host, reset, server starting or shutting down, too
 *   many connections): `StoreUnreachableError`. `cto task` spools its attempts locally then
 *   (spool.ts); other commands stop with this error.
 * - wrong settings (password, database, TLS, permissions, a newer schema): `CtoError`, exit 1,
 *   the same for every command: retrying can't help.
 *
 * Neither the server's messages nor node's name the password; ours use `location`, the redacted URL.
 */
import {CtoError} from '../../errors.js'

export interface ErrorContext {
  /** The URL without its password. */
  location: string
  /** `CTO_STORE_URL` or `store.url in FILE`. */
  setting: string
  /** Whether the URL asks for TLS (sslmode=require, verify-ca, verify-full). */
  tls: boolean
  user: string
  database: string
  host: string
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNRESET',
  'EPIPE',
  'ENOENT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // SQLSTATE: admin shutdown, crash shutdown, cannot connect now (starting up), too many connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
])

export class StoreUnreachableError extends CtoError {
  readonly reason: string
  constructor(ctx: ErrorContext, reason: string, cause?: unknown) {
    super({
      code: 'STORE_UNREACHABLE',
      message: `The team store ${ctx.location} can't be reached (${reason}).`,
      actions: [
        `Check that the database server is running and reachable from here, or fix the host and port in ${ctx.setting}.`,
        '"cto task" keeps working meanwhile: it records locally and delivers the attempts once the database answers again.',
      ],
      cause,
    })
    this.name = 'StoreUnreachableError'
    this.reason = reason
  }

  static is(error: unknown): error is StoreUnreachableError {
    return CtoError.isInstance(error) && error.code === 'STORE_UNREACHABLE'
  }
}

const errCode = (error: unknown): string => String((error as {code?: unknown})?.code ?? '')
const errMessage = (error: unknown): string => String((error as {message?: unknown})?.message ?? error)

/** True for errors that mean "the database can't be reached right now" (retry later), not "the settings are wrong". */
export function isUnreachable(error: unknown, ctx?: ErrorContext): boolean {
  const code = errCode(error)
  if (StoreUnreachableError.is(error)) return true
  if (ctx?.tls && code === 'ECONNRESET' && /secure TLS connection/.test(errMessage(error))) return false
  if (code.startsWith('08')) return true // connection exception class
  return UNREACHABLE_CODES.has(code)
}

function reasonOf(error: unknown, ctx: ErrorContext): string {
  const code = errCode(error)
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${ctx.host}: no server is listening there`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${ctx.host} not found`
    case 'CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return `no answer from ${ctx.host} in time`
    case '57P03':
      return 'the server is starting up or shutting down'
    case '53300':
      return 'the server has too many connections'
    default:
      return `${code || 'error'}: ${errMessage(error)}`
  }
}

/** Any error from connecting or querying → a CtoError for people. Already-mapped errors pass through. */
export function storeError(error: unknown, ctx: ErrorContext, doing = 'connect'): CtoError {
  if (CtoError.isInstance(error)) return error
  const code = errCode(error)
  const message = errMessage(error)
  if (isUnreachable(error, ctx)) return new StoreUnreachableError(ctx, reasonOf(error, ctx), error)
  const fail = (c: string, m: string, actions: string[]) => new CtoError({code: c, message: m, actions, cause: error})
  switch (code) {
    case '28P01':
      return fail('STORE_AUTH_FAILED', `The team store ${ctx.location} refused the password of user "${ctx.user}" (from ${ctx.setting}).`, [
        `Fix the password in ${ctx.setting} (postgres://USER:PASSWORD@HOST:PORT/DATABASE, special characters percent-encoded); cto never prints it.`,
      ])
    case '3D000':
      return fail('STORE_DATABASE_MISSING', `Database "${ctx.database}" does not exist on ${ctx.host} (${ctx.location}, from ${ctx.setting}).`, [
        `Create it ("createdb -h ${ctx.host} -U ${ctx.user} ${ctx.database}", or ask the database's admin), or fix the database name in ${ctx.setting}.`,
      ])
    case '28000':
      if (/no encryption/.test(message)) {
        return fail('STORE_TLS_REQUIRED', `The team store ${ctx.location} only accepts TLS connections (${ctx.setting} doesn't ask for TLS).`, [
          `Add ?sslmode=require to ${ctx.setting} (or sslmode=verify-full with the server's CA in sslrootcert).`,
        ])
      }
      return fail('STORE_ACCESS_DENIED', `The team store ${ctx.location} does not let user "${ctx.user}" connect from this machine: ${message}.`, [
        `Ask the database's admin to allow it (pg_hba.conf), or fix the user in ${ctx.setting}.`,
      ])
    case '42501':
      return fail('STORE_PERMISSION_DENIED', `User "${ctx.user}" may not ${doing} on the team store ${ctx.location}: ${message}.`, [
        `Have the database's admin grant it (e.g. GRANT CREATE ON DATABASE ${ctx.database} TO ${ctx.user}), or run "cto store migrate" as a user who may.`,
      ])
  }
  if (ctx.tls && code === 'ECONNRESET' && /secure TLS connection/.test(message)) {
    return fail('STORE_TLS_UNAVAILABLE', `The team store ${ctx.location} does not offer TLS, which ${ctx.setting} asks for (sslmode).`, [
      `Turn TLS on at the server (ssl = on), or remove sslmode=require from ${ctx.setting} if the network is trusted.`,
    ])
  }
  if (/CERT|certificate/i.test(code) || /certificate/i.test(message)) {
    return fail('STORE_TLS_CERTIFICATE', `The team store's TLS certificate was not accepted (${message}).`, [
      `With sslmode=verify-full or verify-ca, give the server's CA (sslrootcert=/path/ca.pem) in ${ctx.setting}; sslmode=require encrypts without checking the certificate.`,
    ])
  }
  return fail('STORE_ERROR', `The team store ${ctx.location} failed to ${doing}: ${code ? `${code} ` : ''}${message}.`, [
    'Run "cto store status" to check the connection; run again with --verbose for details.',
  ])
}
