/**
 * A real PostgreSQL server for tests and benchmarks, started in a temporary folder on a free port
 * on 127.0.0.1 (Debian's `postgresql` package: initdb + pg_ctl; `apt-get install postgresql`).
 * When run as root the server runs as the `postgres` user (PostgreSQL refuses root), through
 * `runuser`. Nothing outside the temp folder is touched: the unix socket lives in it too.
 *
 *   const pg = await startPostgres({tls: true})
 *   pg.url('cto_test', {password: pg.password})     // postgres://cto:…@127.0.0.1:PORT/cto_test
 *   await pg.stop()  /  await pg.start()            // a database that is down, then back
 *   pg.pause()       /  pg.resume()                  // SIGSTOP on the server: connections hang
 *   await pg.close()                                 // stop and remove the folder (afterAll)
 *
 * Access rules (pg_hba.conf): the superuser over the unix socket without password (the harness's
 * own admin connection); role `cto` with a password (SCRAM) over TCP; database `tls_only`, when
 * started with `tls`, only over TLS (a self-signed certificate made with openssl).
 */
import {execFile, spawn} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {chmod, chown, mkdtemp, rm} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

const run = promisify(execFile)

/** The folder with initdb and pg_ctl: `PG_BIN`, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions.length > 0 ? join(root, versions[0], 'bin') : undefined
}

const BIN = findPostgresBin()
const isRoot = process.getuid?.() === 0
/** runuser by its path: a root shell's PATH may leave out the sbin folders. */
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser'].find((p) => existsSync(p)) ?? 'runuser'

/** Why the PostgreSQL tests can't run here, in one line naming the package; undefined when they can. */
export const postgresMissing: string | undefined = !BIN
  ? 'PostgreSQL is not installed (Debian package postgresql: apt-get install postgresql)'
  : isRoot && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')
    ? 'running as root without runuser to start PostgreSQL as the postgres user (Debian package util-linux)'
    : undefined

export interface PgServer {
  port: number
  /** The temp folder (data/, sock/, log). */
  dir: string
  /** Password of role `cto`. */
  password: string
  /** `postgres://cto:<password>@127.0.0.1:<port>/<db>`, with `query` appended (`sslmode=require`). */
  url(db: string, opts?: {password?: string; user?: string; query?: string}): string
  /** Run SQL as the superuser (over the unix socket), e.g. CREATE DATABASE. */
  admin(sql: string, db?: string): Promise<string>
  /** A fresh database owned by `cto`. */
  createDatabase(name: string): Promise<void>
  stop(): Promise<void>
  start(): Promise<void>
  /** SIGSTOP / SIGCONT on the postmaster and its children: the server accepts TCP but never answers. */
  pause(): Promise<void>
  resume(): Promise<void>
  /** Stop the server and remove its folder. */
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

/** Runs a PostgreSQL program as the postgres user when we are root. */
function asPostgres(cmd: string, args: string[], opts: {env?: NodeJS.ProcessEnv} = {}) {
  const env = {...process.env, LC_ALL: 'C', ...opts.env}
  return isRoot ? run(RUNUSER, ['-u', 'postgres', '--', cmd, ...args], {env}) : run(cmd, args, {env})
}

export interface StartPostgresOptions {
  /** Turn TLS on (self-signed certificate) and make database `tls_only` refuse connections without it. */
  tls?: boolean
  /** fsync and synchronous commit on (benchmarks against a durable local store). Default off: tests don't need durability of the test server itself. */
  durable?: boolean
}

export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PgServer> {
  if (postgresMissing || !BIN) throw new Error(postgresMissing)
  const bin = BIN
  const dir = await mkdtemp(join(tmpdir(), 'cto-pg-'))
  const data = join(dir, 'data')
  const sock = join(dir, 'sock')
  const log = join(dir, 'server.log')
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`
  await run('mkdir', ['-p', sock])
  if (isRoot) {
    const {uid, gid} = await postgresIds()
    await chown(dir, uid, gid)
    await chown(sock, uid, gid)
  }
  await chmod(dir, 0o700)
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync'])
  const port = await freePort()
  const conf = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${sock}'`,
    `max_connections = 200`,
    `fsync = ${opts.durable ? 'on' : 'off'}`,
    `synchronous_commit = ${opts.durable ? 'on' : 'off'}`,
    `full_page_writes = ${opts.durable ? 'on' : 'off'}`,
    `shared_buffers = 128MB`,
    `log_min_messages = warning`,
    `password_encryption = 'scram-sha-256'`,
  ]
  const hba = ['local all all trust']
  if (opts.tls) {
    await run('openssl', ['req', '-new', '-x509', '-days', '2', '-nodes', '-subj', '/CN=localhost', '-keyout', join(data, 'server.key'), '-out', join(data, 'server.crt')])
    if (isRoot) {
      const {uid, gid} = await postgresIds()
      await chown(join(data, 'server.key'), uid, gid)
      await chown(join(data, 'server.crt'), uid, gid)
    }
    await chmod(join(data, 'server.key'), 0o600)
    conf.push(`ssl = on`, `ssl_cert_file = 'server.crt'`, `ssl_key_file = 'server.key'`)
    hba.push('hostssl tls_only all 127.0.0.1/32 scram-sha-256', 'hostnossl tls_only all 127.0.0.1/32 reject')
  }
  hba.push('host all all 127.0.0.1/32 scram-sha-256')
  await appendAs(join(data, 'postgresql.auto.conf'), conf.join('\n') + '\n')
  await writeAs(join(data, 'pg_hba.conf'), hba.join('\n') + '\n')

  const ctl = (args: string[]) => asPostgres(join(bin, 'pg_ctl'), ['-D', data, ...args])
  const start = async () => {
    await ctl(['-l', log, '-w', '-t', '60', 'start'])
  }
  const stop = async () => {
    await ctl(['-m', 'fast', '-w', 'stop']).catch(() => {})
  }
  await start()

  const admin = async (sql: string, db = 'postgres') => {
    const {stdout} = await asPostgres(join(bin, 'psql'), ['-h', sock, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAtX', '-c', sql])
    return stdout.trim()
  }
  await admin(`CREATE ROLE cto LOGIN PASSWORD '${password}'`)
  if (opts.tls) await admin('CREATE DATABASE tls_only OWNER cto')

  const signalAll = async (signal: NodeJS.Signals) => {
    const pidText = (await run('head', ['-1', join(data, 'postmaster.pid')])).stdout.trim()
    const pid = Number(pidText)
    const {stdout} = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({stdout: ''}))
    for (const p of [pid, ...stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0)]) {
      try {
        process.kill(p, signal)
      } catch {
        // gone meanwhile
      }
    }
  }

  return {
    port,
    dir,
    password,
    url(db, o = {}) {
      const user = o.user ?? 'cto'
      const pass = o.password ?? password
      return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}/${db}${o.query ? `?${o.query}` : ''}`
    },
    admin,
    async createDatabase(name) {
      await admin(`CREATE DATABASE ${name} OWNER cto`)
    },
    stop,
    start,
    pause: () => signalAll('SIGSTOP'),
    resume: () => signalAll('SIGCONT'),
    async close() {
      await signalAll('SIGCONT').catch(() => {})
      await stop()
      await rm(dir, {recursive: true, force: true})
    },
  }
}

async function postgresIds(): Promise<{uid: number; gid: number}> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim())
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim())
  return {uid, gid}
}

/** Write a file in the data folder as its owner (the folder is 0700 postgres when we are root). */
async function writeAs(file: string, text: string): Promise<void> {
  await pipeAs(['tee', file], text)
}

async function appendAs(file: string, text: string): Promise<void> {
  await pipeAs(['tee', '-a', file], text)
}

function pipeAs(argv: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = isRoot ? [RUNUSER, '-u', 'postgres', '--', ...argv] : argv
    const child = spawn(cmd, args, {stdio: ['pipe', 'ignore', 'pipe']})
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')}: ${err}`))))
    child.stdin.end(input)
  })
}
