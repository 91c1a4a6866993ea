/**
 * Is there anything in a RouterBench row's prompt that tells which model gets it right? For each
 * file and model: a logistic regression over the router's own task features (taskFeatures: hashed
 * words, length, code and math markers), fitted in batch on the first 70 % of the rows (the replay
 * bench's warm-up part; L2-regularised, 300 gradient steps), then how well it ranks the last 30 %
 * (AUC: 0.5 is chance) and its log loss against always predicting the warm-up rate. A bound on
 * what the online text model could find with these features, fitted with all the warm-up rows at
 * once rather than one at a time.
 *
 *   npx tsx bench/text-signal.ts [--data DIR] [--l2 1]
 */
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {readBenchFile} from '../src/core/replay/routerbench-file.js'
import {taskFeatures} from '../src/core/router/task-features.js'
import {TUNE_FRACTION} from './replay-report.js'

/** Area under the ROC curve of scores `p` for labels `y` (tied scores share their mean rank; NaN with one class). */
export function auc(p: readonly number[], y: readonly number[]): number {
  const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number))
  let positives = 0
  let rankSum = 0
  for (let k = 0; k < order.length; ) {
    let end = k
    while (end + 1 < order.length && p[order[end + 1] as number] === p[order[k] as number]) end++
    const rank = (k + end) / 2 + 1
    for (let t = k; t <= end; t++) {
      if (y[order[t] as number]) {
        positives++
        rankSum += rank
      }
    }
    k = end + 1
  }
  const negatives = y.length - positives
  return positives > 0 && negatives > 0 ? (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives) : Number.NaN
}

export interface SignalRow {
  file: string
  model: string
  rate: number
  held_auc: number
  held_logloss: number
  base_logloss: number
}

export async function textSignal(data: string, files: readonly string[], l2 = 1): Promise<SignalRow[]> {
  const out: SignalRow[] = []
  for (const name of files) {
    const bench = await readBenchFile(join(data, name))
    const cut = Math.floor(bench.rows.length * TUNE_FRACTION)
    const vocab = new Map<number, number>()
    const hashed = bench.rows.map((r) => taskFeatures(r.prompt))
    for (const fs of hashed.slice(0, cut)) for (const f of fs) if (!vocab.has(f)) vocab.set(f, vocab.size)
    const X = hashed.map((fs) => fs.map((f) => vocab.get(f)).filter((j): j is number => j !== undefined))
    for (const model of bench.models) {
      const y = bench.rows.map((r) => (r.scores[model] === 1 ? 1 : 0))
      const rate = Math.min(1 - 1e-6, Math.max(1e-6, y.slice(0, cut).reduce<number>((a, b) => a + b, 0) / cut))
      const w = new Float64Array(vocab.size)
      let bias = Math.log(rate / (1 - rate))
      const predict = (i: number) => {
        const xs = X[i] as number[]
        const scale = 1 / Math.sqrt(xs.length || 1)
        let z = bias
        for (const j of xs) z += (w[j] as number) * scale
        return 1 / (1 + Math.exp(-z))
      }
      for (let step = 0; step < 300; step++) {
        const g = new Float64Array(vocab.size)
        let gb = 0
        for (let i = 0; i < cut; i++) {
          const xs = X[i] as number[]
          const scale = 1 / Math.sqrt(xs.length || 1)
          const e = predict(i) - (y[i] as number)
          gb += e
          for (const j of xs) g[j] = (g[j] as number) + e * scale
        }
        bias -= (0.5 * gb) / cut
        for (let j = 0; j < vocab.size; j++) w[j] = (w[j] as number) - (0.5 * ((g[j] as number) + l2 * (w[j] as number))) / cut
      }
      const p: number[] = []
      const labels: number[] = []
      let loss = 0
      let base = 0
      for (let i = cut; i < bench.rows.length; i++) {
        const q = Math.min(1 - 1e-9, Math.max(1e-9, predict(i)))
        p.push(q)
        labels.push(y[i] as number)
        loss -= y[i] ? Math.log(q) : Math.log(1 - q)
        base -= y[i] ? Math.log(rate) : Math.log(1 - rate)
      }
      const n = Math.max(1, p.length)
      out.push({file: name, model, rate, held_auc: auc(p, labels), held_logloss: loss / n, base_logloss: base / n})
    }
  }
  return out
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const {values} = parseArgs({options: {data: {type: 'string'}, l2: {type: 'string', default: '1'}}})
  const data = values.data ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'routerbench')
  const rows = await textSignal(data, ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv'], Number(values.l2))
  for (const file of new Set(rows.map((r) => r.file))) {
    const of = rows.filter((r) => r.file === file)
    const aucs = of.map((r) => r.held_auc).filter((a) => Number.isFinite(a))
    console.log(`\n${file}: held-out AUC ${Math.min(...aucs).toFixed(2)}–${Math.max(...aucs).toFixed(2)} (mean ${(aucs.reduce((a, b) => a + b, 0) / aucs.length).toFixed(2)})`)
    for (const r of of) console.log(`  ${r.model.padEnd(34)} warm-up rate ${r.rate.toFixed(2)}  held-out AUC ${r.held_auc.toFixed(2)}  log loss ${r.held_logloss.toFixed(3)} (rate alone ${r.base_logloss.toFixed(3)})`)
  }
}
