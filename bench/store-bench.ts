/**
 * Performance store benchmark: recording one attempt into a store holding 0, 10,000 and 100,000
 * records (median of several runs; target < 20 ms), and the in-process time of what `cto perf`
 * does at 100,000 records (open + summary). Standalone:
 *   node --import tsx bench/store-bench.ts
 * or `await runStoreBench()` from bench/run.ts.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {TASK_TYPES} from '../src/core/providers/spec.js'
import {openStore, type PerfStore} from '../src/core/store/perf-store.js'
import type {AttemptRecord} from '../src/core/store/types.js'

export interface StoreBenchResult {
  record: Array<{existing: number; median_ms: number; runs: number; target_ms: number}>
  /** At the largest size: open the store, then compute each `cto perf` view. */
  perf: Array<{view: string; median_ms: number; runs: number}>
  records: number
}

const MODELS = ['deepseek', 'kimi', 'minimax', 'qwen', 'haiku', 'sonnet', 'opus', 'glm'] as const

function attempt(n: number, start: number): AttemptRecord {
  const model = MODELS[n % MODELS.length]
  const claude = ['haiku', 'sonnet', 'opus'].includes(model)
  return {
    time: new Date(start + n * 60_000).toISOString(),
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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  return median(times)
}

async function growTo(store: PerfStore, target: number, next: {n: number}, start: number) {
  while (next.n < target) {
    const batch: AttemptRecord[] = []
    for (let i = 0; i < 5000 && next.n < target; i++) batch.push(attempt(next.n++, start))
    await store.recordMany(batch)
  }
}

export async function runStoreBench(opts: {sizes?: number[]; runs?: number; /** Called with the data dir (CTO_DATA_DIR) of the full store before it is removed. */ onFilled?: (dataDir: string) => void | Promise<void>} = {}): Promise<StoreBenchResult> {
  const sizes = opts.sizes ?? [0, 10_000, 100_000]
  const runs = opts.runs ?? 15
  const root = await mkdtemp(join(tmpdir(), 'cto-store-bench-'))
  const dir = join(root, 'perf')
  const start = Date.now() - 200_000 * 60_000
  const quiet = {onWarning: (m: string) => process.stderr.write(`bench warning: ${m}\n`)}
  try {
    const store = await openStore({dir, ...quiet})
    const next = {n: 0}
    const result: StoreBenchResult = {record: [], perf: [], records: 0}
    for (const size of sizes) {
      await growTo(store, size, next, start)
      await store.record(attempt(next.n++, start)) // warm-up (loads the schema module)
      const ms = await timeIt(runs, () => store.record(attempt(next.n++, start)))
      result.record.push({existing: size, median_ms: ms, runs, target_ms: 20})
    }
    result.records = store.info().attempts
    const perfRuns = Math.max(3, Math.floor(runs / 3))
    const views: Array<[string, () => Promise<unknown>]> = [
      ['cto perf (open + summary)', async () => (await openStore({dir, ...quiet})).summary()],
      ['cto perf --type coding', async () => (await openStore({dir, ...quiet})).summary({type: 'coding'})],
      ['cto perf --model deepseek', async () => (await openStore({dir, ...quiet})).summary({model: 'deepseek'})],
      ['cto perf --since 7d (scan)', async () => (await openStore({dir, ...quiet})).summary({since: new Date(Date.now() - 7 * 86_400_000)})],
      ['cto perf --since all (full scan)', async () => (await openStore({dir, ...quiet})).summary({since: new Date(0)})],
    ]
    for (const [view, fn] of views) result.perf.push({view, median_ms: await timeIt(perfRuns, fn), runs: perfRuns})
    await opts.onFilled?.(root)
    return result
  } finally {
    await rm(root, {recursive: true, force: true})
  }
}

export function formatStoreBench(r: StoreBenchResult): string {
  const pad = (s: string, n: number) => s.padEnd(n)
  const lines = ['Performance store', '', `${pad('record one attempt', 34)}${pad('median', 12)}target`]
  for (const x of r.record) {
    const ok = x.median_ms < x.target_ms ? 'ok' : 'OVER'
    lines.push(`${pad(`  at ${x.existing.toLocaleString('en-US')} records`, 34)}${pad(`${x.median_ms.toFixed(2)} ms`, 12)}< ${x.target_ms} ms ${ok}`)
  }
  lines.push('', `${pad(`at ${r.records.toLocaleString('en-US')} records (in-process)`, 36)}median`)
  for (const p of r.perf) lines.push(`${pad(`  ${p.view}`, 36)}${p.median_ms.toFixed(2)} ms`)
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runStoreBench()
  console.log(formatStoreBench(result))
}
