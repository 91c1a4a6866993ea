/** Shared bits for store tests: temp folders, a child-process writer, and an independent tally of raw records. */
import {spawn} from 'node:child_process'
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {AttemptRecord, PerfStats} from '../../src/core/store/types.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const writerScript = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url))
export const bulkWriterScript = fileURLToPath(new URL('./fixtures/bulk-writer.ts', import.meta.url))

export async function tempStoreDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'cto-store-')), 'perf')
}

export function startWriter(dir: string, writer: number, count: number | 'forever') {
  return spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', writerScript, dir, String(writer), String(count)], {
    cwd: repoRoot,
    env: {...process.env, WRITER_RETRY: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

export function runWriter(dir: string, writer: number, count: number): Promise<{code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = startWriter(dir, writer, count)
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr}))
  })
}

const zero = (): PerfStats => ({attempts: 0, successes: 0, quality_count: 0, quality_sum: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: 0, escalations: 0, tasks: 0})

/**
 * Stats computed straight from raw records, exactly (all task ids remembered), written
 * independently of the store's fold: key is `model` or `model|type`.
 */
export function tally(records: AttemptRecord[]): Map<string, PerfStats> {
  const out = new Map<string, PerfStats>()
  const tasks = new Map<string, Set<string>>()
  const get = (k: string) => {
    if (!out.has(k)) out.set(k, zero())
    if (!tasks.has(k)) tasks.set(k, new Set())
    return out.get(k) as PerfStats
  }
  const byTask = new Map<string, AttemptRecord[]>()
  for (const r of records) {
    for (const k of [r.model, `${r.model}|${r.task_type}`]) {
      const s = get(k)
      s.attempts++
      if (r.approved ?? r.success) s.successes++
      if (r.quality !== undefined) {
        s.quality_count++
        s.quality_sum += r.quality
      }
      s.input_tokens += r.input_tokens
      s.output_tokens += r.output_tokens
      s.cost_usd += r.cost_usd
      s.duration_ms += r.duration_ms
      tasks.get(k)?.add(r.task_id)
    }
    byTask.set(r.task_id, [...(byTask.get(r.task_id) ?? []), r])
  }
  for (const attempts of byTask.values()) {
    for (const a of attempts) {
      if (attempts.some((b) => b.escalation_step === a.escalation_step + 1)) {
        get(a.model).escalations++
        get(`${a.model}|${a.task_type}`).escalations++
      }
    }
  }
  for (const [k, s] of out) s.tasks = tasks.get(k)?.size ?? 0
  return out
}

/**
 * Every committed record in the raw segments, read without the store's code (an independent
 * check): the newest state file says which segments, in which order, up to which byte; each line
 * is `[seq, record, "crc32"]` and its checksum is verified here with zlib.
 */
export async function readRawRecords(dir: string): Promise<Array<Record<string, unknown>>> {
  const {readdir, readFile} = await import('node:fs/promises')
  const {crc32} = await import('node:zlib')
  const states = (await readdir(join(dir, 'state')).catch(() => [] as string[])).filter((n) => /^\d{12}\.json$/.test(n)).sort()
  if (states.length === 0) return readOlderLayout(dir)
  const state = JSON.parse(await readFile(join(dir, 'state', states.at(-1) as string), 'utf8'))
  const history = state.history ? JSON.parse(await readFile(join(dir, 'history', state.history), 'utf8')) : {segments: []}
  const segments = [...history.segments, ...(state.active ? [state.active] : [])] as Array<{id: number; bytes: number}>
  const out: Array<Record<string, unknown>> = []
  for (const seg of segments) {
    const bytes = (await readFile(join(dir, 'segments', `${String(seg.id).padStart(8, '0')}.jsonl`))).subarray(0, seg.bytes)
    for (const line of bytes.toString('utf8').split('\n')) {
      if (line === '') continue
      const head = Buffer.from(line.slice(0, line.lastIndexOf(',') + 1))
      const [, record, crc] = JSON.parse(line)
      if (crc32(head).toString(16).padStart(8, '0') !== crc) throw new Error(`checksum mismatch in segment ${seg.id}: ${line.slice(0, 60)}`)
      out.push(record)
    }
  }
  return out
}

/** The first store's layout (`segments/attempts-NNNNNN.jsonl`, plain JSON lines): for the upgrade test, and to run these tests against the old code. */
async function readOlderLayout(dir: string): Promise<Array<Record<string, unknown>>> {
  const {readdir, readFile} = await import('node:fs/promises')
  const names = (await readdir(join(dir, 'segments')).catch(() => [] as string[])).filter((n) => /^attempts-\d+\.jsonl$/.test(n)).sort()
  const out: Array<Record<string, unknown>> = []
  for (const n of names) {
    for (const line of (await readFile(join(dir, 'segments', n), 'utf8')).split('\n')) {
      if (line.trim() === '') continue
      try {
        out.push(JSON.parse(line))
      } catch {
        // a cut-off line
      }
    }
  }
  return out
}

/** The committed attempts (not baselines), read independently of the store. */
export async function readRawAttempts(dir: string): Promise<AttemptRecord[]> {
  return (await readRawRecords(dir)).filter((r) => r.kind !== 'baseline') as unknown as AttemptRecord[]
}

/** Expect the store's totals to match an independent tally of raw records. */
export function statsMismatches(store: {stats: (m: string, t?: never) => PerfStats}, records: AttemptRecord[]): string[] {
  const problems: string[] = []
  for (const [key, want] of tally(records)) {
    const [model, type] = key.split('|')
    const got = store.stats(model, type as never)
    for (const f of Object.keys(want) as Array<keyof PerfStats>) {
      if (Math.abs((got[f] ?? 0) - (want[f] ?? 0)) > 1e-6) problems.push(`${key}.${f}: store ${got[f]}, raw ${want[f]}`)
    }
  }
  return problems
}

export const perfRunner = fileURLToPath(new URL('./fixtures/run-perf-command.ts', import.meta.url))

/** `cto perf <name> args` run from the sources as its own process, with the store in `dataDir`. */
export function perfCli(dataDir: string, name: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', perfRunner, name, ...args], {
      cwd: repoRoot,
      env: {PATH: process.env.PATH, HOME: dataDir, CTO_DATA_DIR: dataDir, NO_COLOR: '1', ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? 1, stdout, stderr}))
  })
}

/** A writer child whose acknowledgements (`recorded I`) and errors are collected as they come. */
export function trackedWriter(dir: string, writer: number, count: number | 'forever', opts: {first?: number; env?: NodeJS.ProcessEnv} = {}) {
  const child = spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', writerScript, dir, String(writer), String(count), String(opts.first ?? 0)], {
    cwd: repoRoot,
    env: {...process.env, ...opts.env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const acked: number[] = []
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
    for (const m of String(d).matchAll(/recorded (\d+)/g)) acked.push(Number(m[1]))
  })
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(signal ? null : code)))
  const waitFor = (test: () => boolean, what: string, ms = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const t0 = Date.now()
      const tick = () => {
        if (test()) return resolve()
        if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${what}; stderr: ${stderr}`))
        setTimeout(tick, 10)
      }
      tick()
    })
  return {
    child,
    acked,
    exited,
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    waitForAcks: (n: number) => waitFor(() => acked.length >= n, `${n} acknowledgements`),
    waitForStderr: (re: RegExp) => waitFor(() => re.test(stderr), String(re)),
  }
}

/** True when the process is stopped (SIGSTOP): state `T` in /proc/PID/stat. */
export async function isStopped(pid: number): Promise<boolean> {
  const {readFile} = await import('node:fs/promises')
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return /\) T /.test(stat)
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * SIGCONT for a process that stops itself (CTO_STORE_PAUSE_AT), sent only once it IS stopped.
 * Its "paused at" line is written just before its SIGSTOP: on a busy machine a SIGCONT sent on
 * seeing the line can arrive before the stop, and the process then stays stopped for good (CI
 * hung 180 s on exactly this). Fails, naming the pid, if it never stops within `ms`.
 */
export async function resumeOnceStopped(child: StoppableChild, ms = 60_000): Promise<void> {
  if (!(await stopsWithin(child, ms))) {
    throw new Error(child.exitCode !== null || child.signalCode !== null ? `process ${child.pid} exited before it stopped itself` : `process ${child.pid} did not stop itself within ${ms} ms`)
  }
  child.kill('SIGCONT')
}

type StoppableChild = {pid?: number; exitCode: number | null; signalCode: string | null; kill: (signal: NodeJS.Signals) => boolean}

/**
 * Whether a process that stops itself is stopped within `ms` (false once it has exited): its
 * "paused at" line comes just before its SIGSTOP, so on a busy machine /proc can still show it
 * running when the line is read.
 */
export async function stopsWithin(child: StoppableChild, ms = 10_000): Promise<boolean> {
  const t0 = Date.now()
  while (!(await isStopped(child.pid as number))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() - t0 > ms) return false
    await sleep(5)
  }
  return true
}
