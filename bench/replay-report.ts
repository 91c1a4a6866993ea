/**
 * RouterBench replay report (issue 7): runs the router over the three training files and prints
 * the numbers table. Tuning was done on the first 70 % of each file; the rows that count are the
 * last 30 %, in three settings:
 *   cold     a fresh store, replaying only the held-out 30 % (pays for all its exploration there)
 *   warm     the store first learns on the first 70 % (not counted), then the held-out 30 % is scored
 *   shuffle  each file shuffled with the seed, then split 70/30, warm (rows of the tuning part can
 *            land in the scored part: a robustness check, not a clean hold-out)
 * Each cell is the mean over seeds 1..N (default 5), with the worst seed in brackets.
 * Targets vs always-gpt-4-1106-preview: perfect review acc ≥ 1.00× at ≤ 25 % cost;
 * noisy p=0.1 acc ≥ 0.95× at ≤ 30 % cost.
 *
 * Usage: npx tsx bench/replay-report.ts [--data DIR] [--seeds N] [--plot DIR] [--json]
 */
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {parseArgs} from 'node:util'
import {compareWith} from '../src/core/replay/replay-compare.js'
import {runReplay} from '../src/core/replay/replay-engine.js'
import {renderReplaySvg} from '../src/core/replay/replay-svg.js'
import type {ReplayOptions, ReplayReport} from '../src/core/replay/replay-types.js'

const {values} = parseArgs({
  options: {
    data: {type: 'string', default: join(import.meta.dirname, '..', '..', 'shared', 'data', 'routerbench')},
    seeds: {type: 'string', default: '5'},
    plot: {type: 'string'},
    json: {type: 'boolean', default: false},
  },
})
const REF = 'gpt-4-1106-preview'
const FILES = ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv']
const seeds = Array.from({length: Number(values.seeds)}, (_, i) => i + 1)
const settings: Array<{name: string; options: Partial<ReplayOptions>}> = [
  {name: 'cold', options: {score: {from: 0.7, to: 1}, warmup: false}},
  {name: 'warm', options: {score: {from: 0.7, to: 1}, warmup: true}},
  {name: 'shuffle', options: {score: {from: 0.7, to: 1}, warmup: true, shuffle: true}},
]
const targets: Record<string, {acc: number; cost: number}> = {perfect: {acc: 1, cost: 0.25}, 'noisy:0.1': {acc: 0.95, cost: 0.3}}

interface Cell {setting: string; files: string; review: string; rows: number; acc: number; ref_acc: number; acc_ratio: number; cost_ratio: number; worst_acc_ratio: number; worst_cost_ratio: number; cost: number; ref_cost: number; escalations: number; blocked: number; met: boolean}
const cells: Cell[] = []
const pct = (v: number) => `${(v * 100).toFixed(1)}%`

for (const setting of settings) {
  for (const review of Object.keys(targets)) {
    for (const group of [...FILES.map((f) => [f]), FILES]) {
      const reports: ReplayReport[] = []
      for (const seed of seeds) {
        reports.push(await runReplay({files: group.map((f) => join(values.data, f)), review, seed, ...setting.options}))
      }
      const cmp = reports.map((r) => compareWith(r.all, REF)!)
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
      const t = targets[review]!
      const cell: Cell = {
        setting: setting.name,
        files: group.length > 1 ? 'all' : group[0]!.replace('_train.csv', ''),
        review,
        rows: reports[0]!.all.rows,
        acc: mean(reports.map((r) => r.all.result.accuracy)),
        ref_acc: mean(cmp.map((c) => c.model_accuracy)),
        acc_ratio: mean(cmp.map((c) => c.accuracy_ratio)),
        cost_ratio: mean(cmp.map((c) => c.cost_ratio)),
        worst_acc_ratio: Math.min(...cmp.map((c) => c.accuracy_ratio)),
        worst_cost_ratio: Math.max(...cmp.map((c) => c.cost_ratio)),
        cost: mean(reports.map((r) => r.all.result.cost_usd)),
        ref_cost: mean(cmp.map((c) => c.model_cost_usd)),
        escalations: mean(reports.map((r) => r.all.result.escalations)),
        blocked: mean(reports.map((r) => r.all.result.blocked)),
        met: false,
      }
      cell.met = cell.acc_ratio >= t.acc && cell.cost_ratio <= t.cost
      cells.push(cell)
      if (values.plot && seeds[0] === 1) {
        await mkdir(values.plot, {recursive: true})
        await writeFile(join(values.plot, `replay-${setting.name}-${review.replace(':', '')}-${cell.files}.svg`), renderReplaySvg(reports[0]!))
      }
    }
  }
}

if (values.json) {
  console.log(JSON.stringify(cells, null, 2))
} else {
  console.log(`RouterBench replay, held-out last 30 % of each file, mean of ${seeds.length} seeds [worst seed]; reference ${REF}`)
  console.log('| setting | file | review | rows | router acc | gpt-4 acc | acc ratio [worst] | cost ratio [worst] | router $ | gpt-4 $ | esc/row | blocked | target |')
  console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
  for (const c of cells) {
    console.log(
      `| ${c.setting} | ${c.files} | ${c.review} | ${c.rows} | ${pct(c.acc)} | ${pct(c.ref_acc)} | ${c.acc_ratio.toFixed(3)} [${c.worst_acc_ratio.toFixed(3)}] | ${pct(c.cost_ratio)} [${pct(c.worst_cost_ratio)}] | ${c.cost.toFixed(3)} | ${c.ref_cost.toFixed(3)} | ${(c.escalations / c.rows).toFixed(2)} | ${c.blocked.toFixed(1)} | ${c.met ? 'met' : 'MISSED'} |`,
    )
  }
}
