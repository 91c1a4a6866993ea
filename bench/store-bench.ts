/**
 * Performance store benchmark at scale (issue 13), run by `npm run bench -- store`:
 *
 *   1. fill the store to N records (default 10,000,000; BENCH_STORE_RECORDS overrides) through
 *      the store's own recordMany (20,000 per commit): the same validation, encoding, checksums,
 *      segments, history and fsyncs as any write, only batched. N records span three years
 *      ending now (~9,100 a day at 10 M), 8 models, so `--since 1d` has a realistic day to read.
 *   2. record() into an empty store and into the full one, alternately (same load for both), after
 *      `sync` (the fill's dirty pages flushed): medians of 101, fsync included (target ≤ 10 ms)
 *   3. in-process views at N (open + summary, --type, --model, --since 1d, --since all)
 *   4. `onFilled(dataDir)`: bench/run.ts times whole `cto` processes against `cto --version`
 *   5. export → reset → import → export as whole `cto` processes, each one's peak RSS (from its
 *      own getrusage, written at exit by bench/fixtures/report-rss.mjs), and the two exports
 *      compared by sha256 (target: each under 300 MB, byte-identical)
 *
 * Standalone: `node --import tsx bench/store-bench.ts` (needs `npm run build` for step 6).
 * Disk: ~4.5 GB for the store at 10 M, plus two exports of ~4.2 GB, in a temp folder removed at the end.
 */
import {execFileSync, spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {cpus, loadavg, tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {TASK_TYPES} from '../src/core/providers/spec.js'
import {openStore, type FilePerfStore} from '../src/core/store/perf-store.js'
import type {AttemptRecord} from '../src/core/store/types.js'

const BIN = resolve(import.meta.dirname, '..', 'bin', 'run.js')
const RSS_PRELOAD = pathToFileURL(resolve(import.meta.dirname, 'fixtures', 'report-rss.mjs')).href

export interface StoreBenchResult {
  records: number
  fill: {seconds: number; per_second: number; store_bytes: number}
  /** fsync_ms: the part of each record spent in fsync/fdatasync (median), measured by wrapping FileHandle.sync/datasync. */
  record: Array<{existing: number; median_ms: number; p90_ms: number; fsync_median_ms: number; runs: number; target_ms: number; load_avg: number}>
  /** At N, in-process: open the store, then compute each `cto perf` view. */
  perf: Array<{view: string; median_ms: number; runs: number}>
  roundtrip?: {
    steps: Array<{step: string; seconds: number; max_rss_mb: number}>
    export_bytes: number
    identical: boolean
  }
}

const MODELS = ['deepseek', 'kimi', 'minimax', 'qwen', 'haiku', 'sonnet', 'opus', 'glm'] as const
export const SPAN_MS = 3 * 365 * 86_400_000

/** Attempt number `n` of a history that starts at `start`, one every `stepMs`, the models taking turns (also used by the report and team benches). */
export function attempt(n: number, start: number, stepMs: number, models: readonly string[] = MODELS): AttemptRecord {
  const model = models[n % models.length]
  const claude = ['haiku', 'sonnet', 'opus'].includes(model)
  return {
    time: new Date(start + n * stepMs).toISOString(),
    task_id: `task-${Math.floor(n / 2)}`,
    task_hash: n.toString(16).padStart(16, '0'),
    task_excerpt: `Benchmark task number ${n}: refactor the module and add tests for the edge cases`,
    task_type: TASK_TYPES[Math.floor(n / 2) % TASK_TYPES.length],
    complexity: 'moderate',
    cto_choice: 'deepseek',
    model,
    group: claude ? 'claude' : 'external',
    engine: claude ? 'claude-cli' : 'openai-tools',
    success: n % 5 !== 0,
    approved: n % 3 !== 0,
    quality: 1 + (n % 10),
    escalation_step: n % 2,
    input_tokens: 1000 + (n % 500),
    output_tokens: 300 + (n % 200),
    cost_usd: 0.0012,
    duration_ms: 8000 + (n % 3000),
  }
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]
const p90 = (xs: number[]) => sorted(xs)[Math.floor(xs.length * 0.9)]

/** `runs` timings of `fn` in milliseconds, one after another (also the team bench's). */
export async function times(runs: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    out.push(performance.now() - t)
  }
  return out
}

/** Time spent in fsync and fdatasync, per call of `fn` (FileHandle.sync/datasync wrapped while it runs). */
async function withSyncTimer<T>(fn: (spent: () => number) => Promise<T>): Promise<T> {
  const {open} = await import('node:fs/promises')
  const probe = await open(BIN, 'r')
  const proto = Object.getPrototypeOf(probe) as {sync: () => Promise<void>; datasync: () => Promise<void>}
  await probe.close()
  const original = {sync: proto.sync, datasync: proto.datasync}
  let spent = 0
  for (const k of ['sync', 'datasync'] as const) {
    proto[k] = async function (this: unknown) {
      const t = performance.now()
      try {
        return await original[k].call(this)
      } finally {
        spent += performance.now() - t
      }
    }
  }
  try {
    return await fn(() => {
      const s = spent
      spent = 0
      return s
    })
  } finally {
    proto.sync = original.sync
    proto.datasync = original.datasync
  }
}

/** record() into each store in turn, `runs` times each; per store the times and the fsync part of each. */
async function recordTimesInterleaved(stores: FilePerfStore[], next: Array<{n: number}>, start: number, stepMs: number, runs: number): Promise<Array<{total: number[]; fsync: number[]}>> {
  for (const [k, s] of stores.entries()) await s.record(attempt(next[k].n++, start, stepMs)) // warm-up (loads the schema and lock modules)
  return withSyncTimer(async (spent) => {
    const out = stores.map(() => ({total: [] as number[], fsync: [] as number[]}))
    spent()
    for (let i = 0; i < runs; i++) {
      for (const [k, s] of stores.entries()) {
        const t = performance.now()
        await s.record(attempt(next[k].n++, start, stepMs))
        out[k].total.push(performance.now() - t)
        out[k].fsync.push(spent())
      }
    }
    return out
  })
}

/** One whole `cto` process; its peak RSS as reported by itself at exit (getrusage ru_maxrss). */
function runCto(args: string[], env: NodeJS.ProcessEnv, rssFile: string): Promise<{seconds: number; max_rss_mb: number}> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, ['--import', RSS_PRELOAD, BIN, ...args], {env: {...env, CTO_BENCH_RSS_FILE: rssFile}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', async (code) => {
      if (code !== 0) return reject(new Error(`cto ${args.join(' ')} failed (exit ${code}): ${stderr}`))
      const kb = Number(await readFile(rssFile, 'utf8'))
      resolvePromise({seconds: (performance.now() - t0) / 1000, max_rss_mb: kb / 1024})
    })
  })
}

function sha256(file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const h = createHash('sha256')
    createReadStream(file, {highWaterMark: 1 << 20})
      .on('data', (d) => h.update(d))
      .on('end', () => resolvePromise(h.digest('hex')))
      .on('error', reject)
  })
}

async function dirBytes(dir: string): Promise<number> {
  const {readdir} = await import('node:fs/promises')
  let total = 0
  for (const e of await readdir(dir, {withFileTypes: true, recursive: true})) {
    if (e.isFile()) total += (await stat(join(e.parentPath ?? (e as unknown as {path: string}).path, e.name))).size
  }
  return total
}

export async function runStoreBench(
  opts: {
    records?: number
    runs?: number
    /** Called with the data dir (CTO_DATA_DIR) of the full store, before the round trip. */
    onFilled?: (dataDir: string) => void | Promise<void>
    /** Skip the export/import round trip (needs the built CLI). */
    roundtrip?: boolean
    log?: (line: string) => void
  } = {},
): Promise<StoreBenchResult> {
  const total = opts.records ?? Number(process.env.BENCH_STORE_RECORDS ?? 10_000_000)
  const runs = opts.runs ?? 101
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const root = await mkdtemp(join(tmpdir(), 'cto-store-bench-'))
  const dir = join(root, 'perf')
  const stepMs = SPAN_MS / total
  const start = Date.now() - SPAN_MS
  const quiet = {onWarning: (m: string) => process.stderr.write(`bench warning: ${m}\n`)}
  try {
    const result: StoreBenchResult = {records: 0, fill: {seconds: 0, per_second: 0, store_bytes: 0}, record: [], perf: []}

    const store = await openStore({dir, ...quiet})
    const next = {n: 0}
    const fillStart = performance.now()
    let lastLog = fillStart
    while (next.n < total) {
      const batch: AttemptRecord[] = []
      for (let i = 0; i < 20_000 && next.n < total; i++) batch.push(attempt(next.n++, start, stepMs))
      await store.recordMany(batch)
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now()
        log(`  store bench: filled ${next.n.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} records (${((performance.now() - fillStart) / 1000).toFixed(0)} s)`)
      }
    }
    const fillSeconds = (performance.now() - fillStart) / 1000
    result.fill = {seconds: fillSeconds, per_second: total / fillSeconds, store_bytes: await dirBytes(dir)}
    log(`  store bench: filled in ${fillSeconds.toFixed(0)} s, ${(result.fill.store_bytes / 1e9).toFixed(2)} GB`)

    // record() into an empty store and into the full one, alternately, so both meet the same load
    // (the machine is shared). The fill leaves gigabytes of dirty pages: an fsync right after would
    // wait behind their write-back, so they are flushed first, as a store at rest is what `cto task` finds.
    execFileSync('sync')
    const fresh = await openStore({dir: join(root, 'empty'), ...quiet})
    const m = await recordTimesInterleaved([fresh, store], [{n: 0}, next], start, stepMs, runs)
    for (const [k, existing] of [0, total].entries()) {
      result.record.push({existing, median_ms: median(m[k].total), p90_ms: p90(m[k].total), fsync_median_ms: median(m[k].fsync), runs, target_ms: 10, load_avg: loadavg()[0]})
      log(`  store bench: record() at ${existing.toLocaleString('en-US')}: median ${median(m[k].total).toFixed(2)} ms (fsync ${median(m[k].fsync).toFixed(2)} ms)`)
    }
    await rm(join(root, 'empty'), {recursive: true, force: true})
    result.records = store.info().attempts

    const perfRuns = 5
    const day = () => new Date(Date.now() - 86_400_000)
    const views: Array<[string, () => Promise<unknown>]> = [
      ['cto perf (open + summary)', async () => (await openStore({dir, ...quiet})).summary()],
      ['cto perf --type coding', async () => (await openStore({dir, ...quiet})).summary({type: 'coding'})],
      ['cto perf --model deepseek', async () => (await openStore({dir, ...quiet})).summary({model: 'deepseek'})],
      ['cto perf --model nosuch', async () => (await openStore({dir, ...quiet})).summary({model: 'nosuch'})],
      ['cto perf --since 1d', async () => (await openStore({dir, ...quiet})).summary({since: day()})],
      ['daily rollups (all days)', async () => (await openStore({dir, ...quiet})).dailyRollups()],
    ]
    for (const [view, fn] of views) {
      result.perf.push({view, median_ms: median(await times(perfRuns, fn)), runs: perfRuns})
      log(`  store bench: in-process ${view}: ${(result.perf.at(-1) as {median_ms: number}).median_ms.toFixed(2)} ms`)
    }

    await opts.onFilled?.(root)

    if (opts.roundtrip ?? true) {
      const env = {...process.env, CTO_DATA_DIR: root, HOME: root, XDG_CONFIG_HOME: join(root, 'config')}
      const first = join(root, 'first.jsonl')
      const second = join(root, 'second.jsonl')
      const rss = join(root, 'rss.txt')
      const steps: Array<[string, string[]]> = [
        ['cto perf export', ['perf', 'export', '--output', first]],
        ['cto perf reset --yes --no-backup', ['perf', 'reset', '--yes', '--no-backup']],
        ['cto perf import', ['perf', 'import', first]],
        ['cto perf export (again)', ['perf', 'export', '--output', second]],
      ]
      const done: NonNullable<StoreBenchResult['roundtrip']>['steps'] = []
      for (const [step, args] of steps) {
        log(`  store bench: ${step} …`)
        done.push({step, ...(await runCto(args, env, rss))})
        log(`  store bench: ${step}: ${(done.at(-1) as {seconds: number}).seconds.toFixed(1)} s, peak RSS ${(done.at(-1) as {max_rss_mb: number}).max_rss_mb.toFixed(0)} MB`)
      }
      const exportBytes = (await stat(first)).size
      const identical = (await sha256(first)) === (await sha256(second))
      result.roundtrip = {steps: done, export_bytes: exportBytes, identical}
    }
    return result
  } finally {
    await rm(root, {recursive: true, force: true})
  }
}

export function formatStoreBench(r: StoreBenchResult): string {
  const pad = (s: string, n: number) => s.padEnd(n)
  const n = (x: number) => x.toLocaleString('en-US')
  const lines = [
    `Performance store at ${n(r.records)} records`,
    '',
    `filled through recordMany (20,000 per commit): ${r.fill.seconds.toFixed(0)} s, ${n(Math.round(r.fill.per_second))} records/s, ${(r.fill.store_bytes / 1e9).toFixed(2)} GB on disk`,
    '',
    `${pad('record one attempt (fsync included)', 40)}${pad('median', 12)}${pad('p90', 12)}${pad('of it fsync', 13)}${pad('load avg', 10)}target`,
  ]
  for (const x of r.record) {
    lines.push(`${pad(`  into a store of ${n(x.existing)}`, 40)}${pad(`${x.median_ms.toFixed(2)} ms`, 12)}${pad(`${x.p90_ms.toFixed(2)} ms`, 12)}${pad(`${x.fsync_median_ms.toFixed(2)} ms`, 13)}${pad(x.load_avg.toFixed(1), 10)}≤ ${x.target_ms} ms ${x.median_ms <= x.target_ms ? 'met' : 'NOT met'}`)
  }
  lines.push(`  (load avg: 1-minute load average of this ${cpus().length}-core machine when measured; other processes share it)`)
  lines.push('', `${pad(`in-process at ${n(r.records)} records`, 40)}median`)
  for (const p of r.perf) lines.push(`${pad(`  ${p.view}`, 40)}${p.median_ms.toFixed(2)} ms`)
  if (r.roundtrip) {
    lines.push('', `${pad('export → reset → import → export', 40)}${pad('time', 12)}peak RSS   target`)
    for (const s of r.roundtrip.steps) {
      const targeted = s.step.includes('export') || s.step.includes('import')
      lines.push(`${pad(`  ${s.step}`, 40)}${pad(`${s.seconds.toFixed(1)} s`, 12)}${pad(`${s.max_rss_mb.toFixed(0)} MB`, 11)}${targeted ? `< 300 MB ${s.max_rss_mb < 300 ? 'met' : 'NOT met'}` : ''}`)
    }
    lines.push(`  export size ${(r.roundtrip.export_bytes / 1e9).toFixed(2)} GB; the two exports are ${r.roundtrip.identical ? 'byte-identical (met)' : 'DIFFERENT (NOT met)'}`)
  }
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runStoreBench()
  console.log(formatStoreBench(result))
}
