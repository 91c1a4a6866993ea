/**
 * `cto perf report` at scale (issue 17), run by `npm run bench -- report`:
 *
 *   1. fill a store to N records (default 1,000,000; BENCH_REPORT_RECORDS overrides) through
 *      recordMany, the same history as the store bench (3 years ending now, 8 models, every task
 *      one failed attempt and one escalation)
 *   2. whole `cto` processes, interleaved in one run so machine load hits all alike: `cto perf`
 *      (the baseline), `cto perf report --out FILE`, and the same pair with `--since 30d`
 *   3. the report file's size
 *
 * Targets: the file < 2 MB, and `cto perf report` < 2 × `cto perf` (each with the same --since).
 * Standalone: `npm run build && node --import tsx bench/report-bench.ts`.
 */
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {openStore} from '../src/core/store/perf-store.js'
import type {AttemptRecord} from '../src/core/store/types.js'
import {timeCommands, type Timing} from './startup.js'
import {attempt, SPAN_MS} from './store-bench.js'

const BIN = resolve(import.meta.dirname, '..', 'bin', 'run.js')

export interface ReportBenchResult {
  records: number
  fill_seconds: number
  timings: Timing[]
  /** Report file size with no filter, and with --since 30d. */
  bytes: {all: number; since: number}
  /** report time / perf time, same filters. */
  ratios: {all: number; since: number}
}

export async function runReportBench(opts: {records?: number; rounds?: number; log?: (line: string) => void} = {}): Promise<ReportBenchResult> {
  const total = opts.records ?? Number(process.env.BENCH_REPORT_RECORDS ?? 1_000_000)
  const rounds = opts.rounds ?? Number(process.env.BENCH_ROUNDS ?? 9)
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const root = await mkdtemp(join(tmpdir(), 'cto-report-bench-'))
  try {
    const store = await openStore({dir: join(root, 'perf'), onWarning: (m) => process.stderr.write(`bench warning: ${m}\n`)})
    const stepMs = SPAN_MS / total
    const start = Date.now() - SPAN_MS
    const t0 = performance.now()
    for (let n = 0; n < total; ) {
      const batch: AttemptRecord[] = []
      for (let i = 0; i < 20_000 && n < total; i++) batch.push(attempt(n++, start, stepMs))
      await store.recordMany(batch)
    }
    const fillSeconds = (performance.now() - t0) / 1000
    log(`  report bench: filled ${total.toLocaleString('en-US')} records in ${fillSeconds.toFixed(0)} s`)

    const env = {...process.env, CTO_DATA_DIR: root, HOME: root, XDG_CONFIG_HOME: join(root, 'config')}
    const all = join(root, 'report.html')
    const since = join(root, 'report-30d.html')
    const cto = (args: string[]) => [process.execPath, BIN, ...args]
    const timings = await timeCommands(
      [
        {name: 'cto perf', argv: cto(['perf']), env},
        {name: 'cto perf report', argv: cto(['perf', 'report', '--out', all]), env},
        {name: 'cto perf --since 30d', argv: cto(['perf', '--since', '30d']), env},
        {name: 'cto perf report --since 30d', argv: cto(['perf', 'report', '--out', since, '--since', '30d']), env},
      ],
      rounds,
    )
    const ms = (name: string) => (timings.find((t) => t.name === name) as Timing).median_ms
    return {
      records: store.info().attempts,
      fill_seconds: fillSeconds,
      timings,
      bytes: {all: (await stat(all)).size, since: (await stat(since)).size},
      ratios: {all: ms('cto perf report') / ms('cto perf'), since: ms('cto perf report --since 30d') / ms('cto perf --since 30d')},
    }
  } finally {
    await rm(root, {recursive: true, force: true})
  }
}

export function formatReportBench(r: ReportBenchResult): string {
  const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`
  const lines = [`cto perf report over ${r.records.toLocaleString('en-US')} records (filled in ${r.fill_seconds.toFixed(0)} s), whole process, median of interleaved runs`, '']
  for (const t of r.timings) lines.push(`  ${t.name.padEnd(32)}${t.median_ms.toFixed(1).padStart(8)} ms`)
  lines.push(
    '',
    `target: report file < 2 MB → ${r.bytes.all < 2e6 ? 'met' : 'NOT met'} (${mb(r.bytes.all)}; with --since 30d ${mb(r.bytes.since)})`,
    `target: cto perf report < 2.00 × cto perf → ${r.ratios.all < 2 ? 'met' : 'NOT met'} (${r.ratios.all.toFixed(2)})`,
    `target: cto perf report --since 30d < 2.00 × cto perf --since 30d → ${r.ratios.since < 2 ? 'met' : 'NOT met'} (${r.ratios.since.toFixed(2)})`,
  )
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatReportBench(await runReportBench()))
}
