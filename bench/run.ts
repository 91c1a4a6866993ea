/** npm run bench: every benchmark, printed as tables of medians and ratios against baselines measured in the same run. */
import {join, resolve} from 'node:path'
import {runStartupBench, timeCommands} from './startup.js'
import {formatStoreBench, runStoreBench} from './store-bench.js'
import {runTaskBench} from './task-bench.js'
import {formatReportBench, runReportBench} from './report-bench.js'
import {runRoutingBench, type RoutingBenchResult} from './routing-bench.js'

const BIN = resolve(import.meta.dirname, '..', 'bin', 'run.js')

function printTable(title: string, rows: Array<Record<string, string | number>>): void {
  console.log(`\n${title}`)
  if (rows.length === 0) return
  const keys = Object.keys(rows[0])
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)))
  console.log(keys.map((k, i) => k.padEnd(widths[i])).join('  '))
  for (const r of rows) console.log(keys.map((k, i) => String(r[k]).padEnd(widths[i])).join('  '))
}

const only = process.argv.slice(2)
const want = (name: string) => only.length === 0 || only.includes(name)

if (want('startup')) {
  const rows = await runStartupBench(Number(process.env.BENCH_ROUNDS ?? 15))
  printTable('Start-up (whole process, median of interleaved runs)', rows.map((r) => ({command: r.name, 'median ms': r.median_ms.toFixed(1), 'ratio to node -e 0': r.ratio.toFixed(2)})))
  const list = rows.find((r) => r.name === 'cto models list')
  console.log(`target: cto models list ≤ 3.00 × node -e 0 → ${list && list.ratio <= 3 ? 'met' : 'NOT met'} (${list?.ratio.toFixed(2)})`)
}

if (want('store')) {
  let whole: Awaited<ReturnType<typeof timeCommands>> = []
  let routing: RoutingBenchResult | undefined
  let records = 0
  const result = await runStoreBench({
    onFilled: async (dataDir) => {
      routing = await runRoutingBench(dataDir)
      records = routing.records
      const env = {...process.env, CTO_DATA_DIR: dataDir, HOME: dataDir, XDG_CONFIG_HOME: join(dataDir, 'config')}
      const perf = (args: string[]) => [process.execPath, BIN, 'perf', ...args]
      whole = await timeCommands(
        [
          {name: 'cto --version', argv: [process.execPath, BIN, '--version'], env},
          {name: 'node -e 0', argv: [process.execPath, '-e', '0'], env},
          {name: 'cto perf', argv: perf([]), env},
          {name: 'cto perf --json', argv: perf(['--json']), env},
          {name: 'cto perf --model deepseek', argv: perf(['--model', 'deepseek']), env},
          {name: 'cto perf --model nosuch', argv: perf(['--model', 'nosuch']), env},
          {name: 'cto perf --since 1d', argv: perf(['--since', '1d']), env},
        ],
        Number(process.env.BENCH_ROUNDS ?? 9),
      )
    },
  })
  console.log(`\n${formatStoreBench(result)}`)
  printTable(`cto perf over ${records.toLocaleString('en-US')} records, whole process (ratio to cto --version, same run)`, whole.map((r) => ({command: r.name, 'median ms': r.median_ms.toFixed(1), 'ratio to cto --version': r.ratio.toFixed(2)})))
  for (const [name, limit] of [['cto perf', 1.5], ['cto perf --model deepseek', 1.5], ['cto perf --model nosuch', 1.5], ['cto perf --since 1d', 2]] as const) {
    const row = whole.find((r) => r.name === name)
    console.log(`target: ${name} ≤ ${limit.toFixed(2)} × cto --version → ${row && row.ratio <= limit ? 'met' : 'NOT met'} (${row?.ratio.toFixed(2)})`)
  }
  if (routing) {
    printTable(`Routing decision with ${routing.records.toLocaleString('en-US')} records in the store (median)`, [
      {step: 'open the store (once per process)', ms: routing.open_ms.toFixed(2)},
      {step: 'selectRoute (phase 2, 8 models)', ms: routing.select_ms.toFixed(3)},
      {step: 'nextEscalation (store-informed)', ms: routing.escalate_ms.toFixed(3)},
    ])
    const decision = routing.select_ms + routing.open_ms
    console.log(`target: routing decision < 5 ms → ${decision < 5 ? 'met' : 'NOT met'} (open + select ${decision.toFixed(2)} ms)`)
  }
}

if (want('report')) {
  console.log(`\n${formatReportBench(await runReportBench())}`)
}

if (want('task')) {
  const {timings, calls_per_task} = await runTaskBench(Number(process.env.BENCH_ROUNDS ?? 9))
  printTable(`cto task --json vs the same ${calls_per_task} HTTP calls with the openai SDK (test server answering at once)`, timings.map((r) => ({command: r.name, 'median ms': r.median_ms.toFixed(1), 'ratio to plain script': r.ratio.toFixed(2)})))
  const t = timings[1]
  console.log(`target: cto task --json ≤ 1.50 × plain script → ${t.ratio <= 1.5 ? 'met' : 'NOT met'} (${t.ratio.toFixed(2)})`)
}
