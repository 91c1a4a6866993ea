/**
 * RouterBench replay report (issue 14): the router against the best fixed cascade and the
 * reference model, warm and cold, perfect and noisy review, mean of seeds 1–3, all files together
 * and per file, with the CTO's share of the cost.
 *
 * The split: each training file's first 70 % of rows are the warm-up ("tune") file, the last 30 %
 * the scored ("held-out") file, written to a temp folder; each setting then runs what
 *   cto bench replay <held-out files> --warmup <tune files> [--cold] --review … --seed …
 * runs (runReplay). Warm: the tune rows are replayed into the store first. Cold: the store starts
 * empty; the tune rows only choose the fixed cascade. The reference is the model most accurate on
 * the tune rows (no model name is written here). The router was tuned on the same split with
 * other seeds (11–34, as row orders since the fifth round); seeds 1–3 are reported.
 *
 * Targets (issue 14), all files together, workers' cost against the reference on the same rows:
 *   warm: perfect ≥ 1.07 × its accuracy at ≤ 10 % of its cost; noisy:0.1 ≥ 1.01 × at ≤ 10 %
 *   cold: perfect ≥ 1.05 × at ≤ 15 %;                         noisy:0.1 ≥ 1.00 × at ≤ 15 %
 *
 * Standalone: npx tsx bench/replay-report.ts [--data DIR] [--seeds 1,2,3] [--readme FILE] [--json]
 * From bench/run.ts (`npm run bench -- replay`) it also rewrites the README's block between
 * <!-- replay:begin --> and <!-- replay:end --> and the charts in docs/.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {readBenchFile} from '../src/core/replay/routerbench-file.js'
import {parseReview, runReplay} from '../src/core/replay/replay-engine.js'
import {renderReplaySvg} from '../src/core/replay/replay-svg.js'
import {createSeededRandom, shuffled} from '../src/core/router/seeded-random.js'
import type {ReplayReport, ReplaySection} from '../src/core/replay/replay-types.js'
import type {PlanParams} from '../src/core/router/cascade-plan.js'
import {distinctPrompts, perTypeBound, type TypeBound} from './type-bound.js'

export const TUNE_FRACTION = 0.7
const REVIEWS = ['perfect', 'noisy:0.1'] as const
const MODES = ['warm', 'cold'] as const
type Mode = (typeof MODES)[number]
type Review = (typeof REVIEWS)[number]

export const TARGETS: Record<Mode, Record<Review, {acc: number; cost: number}>> = {
  warm: {perfect: {acc: 1.07, cost: 0.1}, 'noisy:0.1': {acc: 1.01, cost: 0.1}},
  cold: {perfect: {acc: 1.05, cost: 0.15}, 'noisy:0.1': {acc: 1.0, cost: 0.15}},
}

export interface Cell {
  mode: Mode
  review: Review
  section: string
  rows: number
  reference: string
  /** Means over the seeds. */
  acc_ratio: number
  cost_ratio: number
  worst_acc_ratio: number
  worst_cost_ratio: number
  cascade_acc_ratio: number
  cascade_cost_ratio: number
  cascade: string
  /** The CTO's cost against the reference's, and its share of what the router's rows cost in all. */
  cto_ratio: number
  cto_share: number
  oracle_acc_ratio: number
  oracle_cost_ratio: number
  /** Each seed's accuracy and cost ratios, in the order of the seeds. */
  per_seed: Array<{acc: number; cost: number}>
  met?: boolean
}

export interface ReplayBenchResult {
  cells: Cell[]
  seeds: number[]
  files: string[]
  cto_model: string
  reference: string
  commands: string[]
  /** Each seed replayed each file's rows in its own order. */
  shuffled: boolean
  /** Seed 1's reports per setting, for the charts. */
  charts: Array<{mode: Mode; review: Review; report: ReplayReport}>
  /** Per setting: one fixed cascade per file chosen knowing the warm-up rows, at the target's cost budget (type-bound.ts). */
  bounds: Array<{mode: Mode; review: Review; bound?: TypeBound; hindsight?: TypeBound}>
  /** Per file: its rows (warm-up and held-out) and how many different prompts they have. */
  prompts: Array<{file: string; rows: number; distinct: number}>
}

/**
 * Writes the first TUNE_FRACTION of each file's rows and the rest as two CSV files (records kept byte
 * for byte). With `order`, the records of each part are shuffled by it: the same rows held out, met
 * in another order, each file still replayed whole before the next (as `cto bench replay` replays
 * files; its `--shuffle` would also mix the files' rows, another regime).
 */
export async function splitFile(path: string, dir: string, order?: number): Promise<{tune: string; heldOut: string}> {
  const bench = await readBenchFile(path)
  const lines = (await readFile(path, 'utf8')).split('\n')
  const cut = bench.rows[Math.floor(bench.rows.length * TUNE_FRACTION)]
  if (!cut) throw new Error(`${path}: too few rows to split`)
  const header = lines[0] ?? ''
  const name = basename(path, '.csv').replace(/_train$/, '')
  const tag = order === undefined ? '' : `.order${order}`
  const tune = join(dir, `${name}_tune${tag}.csv`)
  const heldOut = join(dir, `${name}_heldout${tag}.csv`)
  // A record runs from its first line to the next record's (a prompt may hold line breaks).
  const records = (from: number, to: number) => {
    const rows = bench.rows.filter((r) => r.line >= from && r.line < to)
    return rows.map((r, i) => lines.slice(r.line - 1, (rows[i + 1]?.line ?? to) - 1).join('\n').replace(/\n*$/, ''))
  }
  let tuneRecords = records(2, cut.line)
  let heldRecords = records(cut.line, lines.length + 1)
  if (order !== undefined) {
    const random = createSeededRandom(order)
    tuneRecords = shuffled(tuneRecords, random)
    heldRecords = shuffled(heldRecords, random)
  }
  await writeFile(tune, `${[header, ...tuneRecords].join('\n')}\n`)
  await writeFile(heldOut, `${[header, ...heldRecords].join('\n')}\n`)
  return {tune, heldOut}
}

/** A split file's name without the order tag of a shuffled seed. */
const plainName = (name: string) => name.replace(/\.order\d+(?=\.csv$)/, '')

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** `shuffle`: each seed also replays each file's rows in its own order (splitFile). */
export async function runReplayBench(options: {data: string; seeds: number[]; files?: string[]; plan?: Partial<PlanParams>; shuffle?: boolean}): Promise<ReplayBenchResult> {
  const names = options.files ?? ['arc_challenge_train.csv', 'mbpp_train.csv', 'winograde_train.csv']
  const tmp = await mkdtemp(join(tmpdir(), 'cto-replay-bench-'))
  try {
    const split = await Promise.all(names.map((n) => splitFile(join(options.data, n), tmp)))
    const tune = split.map((s) => s.tune)
    const heldOut = split.map((s) => s.heldOut)
    const orders = new Map<number, {tune: string[]; heldOut: string[]}>()
    const filesFor = async (seed: number): Promise<{tune: string[]; heldOut: string[]}> => {
      if (!options.shuffle) return {tune, heldOut}
      const known = orders.get(seed)
      if (known) return known
      const parts = await Promise.all(names.map((n) => splitFile(join(options.data, n), tmp, seed)))
      const made = {tune: parts.map((p) => p.tune), heldOut: parts.map((p) => p.heldOut)}
      orders.set(seed, made)
      return made
    }
    // The reference: the single model most accurate on the tune rows.
    const tuneFiles = await Promise.all(tune.map((f) => readBenchFile(f)))
    const heldFiles = await Promise.all(heldOut.map((f) => readBenchFile(f)))
    const tuneRows = tuneFiles.flatMap((f) => f.rows)
    const models = [...new Set(tuneRows.flatMap((r) => Object.keys(r.scores)))]
    const acc = (m: string) => tuneRows.filter((r) => r.scores[m] === 1).length
    const ref = [...models].sort((a, b) => acc(b) - acc(a))[0] as string
    const cells: Cell[] = []
    const charts: ReplayBenchResult['charts'] = []
    const commands: string[] = []
    let ctoModel = ''
    for (const mode of MODES) {
      for (const review of REVIEWS) {
        commands.push(`cto bench replay ${heldOut.map((f) => basename(f)).join(' ')} --review ${review}${mode === 'cold' ? ' --cold' : ''} --seed N --json --warmup ${tune.map((f) => basename(f)).join(' ')}`)
        const reports: ReplayReport[] = []
        for (const seed of options.seeds) {
          const f = await filesFor(seed)
          reports.push(await runReplay({files: f.heldOut, warmupFiles: f.tune, warmup: mode === 'warm', review, seed, plan: options.plan}))
        }
        ctoModel = reports[0]?.cto_model ?? ''
        if (reports[0]) charts.push({mode, review, report: reports[0]})
        const sections = ['all', ...(reports[0]?.per_file.map((f) => f.name) ?? [])]
        for (const name of sections) {
          const pick = (r: ReplayReport): ReplaySection => (name === 'all' ? r.all : (r.per_file.find((f) => plainName(f.name) === plainName(name)) as ReplaySection))
          const per = reports.map((r) => {
            const s = pick(r)
            const g = s.singles.find((x) => x.name === ref)
            const refAcc = g && g.accuracy > 0 ? g.accuracy : Number.NaN
            const refCost = g && g.cost_usd > 0 ? g.cost_usd : Number.NaN
            return {
              acc: s.result.accuracy / refAcc,
              cost: s.result.cost_usd / refCost,
              cascadeAcc: (s.cascade?.accuracy ?? Number.NaN) / refAcc,
              cascadeCost: (s.cascade?.cost_usd ?? Number.NaN) / refCost,
              cto: s.result.cto_cost_usd / refCost,
              share: s.result.cto_cost_usd / (s.result.cto_cost_usd + s.result.cost_usd),
              oracleAcc: s.oracle.accuracy / refAcc,
              oracleCost: s.oracle.cost_usd / refCost,
              rows: s.rows,
              cascade: s.cascade?.models.map((m) => m.split('/').pop()).join(' → ') ?? '—',
            }
          })
          const cell: Cell = {
            mode,
            review,
            section: name === 'all' ? 'all' : plainName(name).replace(/_heldout\.csv$/, ''),
            rows: per[0]?.rows ?? 0,
            reference: ref,
            acc_ratio: mean(per.map((p) => p.acc)),
            cost_ratio: mean(per.map((p) => p.cost)),
            worst_acc_ratio: Math.min(...per.map((p) => p.acc)),
            worst_cost_ratio: Math.max(...per.map((p) => p.cost)),
            cascade_acc_ratio: mean(per.map((p) => p.cascadeAcc)),
            cascade_cost_ratio: mean(per.map((p) => p.cascadeCost)),
            cascade: per[0]?.cascade ?? '—',
            cto_ratio: mean(per.map((p) => p.cto)),
            cto_share: mean(per.map((p) => p.share)),
            oracle_acc_ratio: mean(per.map((p) => p.oracleAcc)),
            oracle_cost_ratio: mean(per.map((p) => p.oracleCost)),
            per_seed: per.map((p) => ({acc: p.acc, cost: p.cost})),
          }
          if (name === 'all') {
            const t = TARGETS[mode][review]
            cell.met = cell.acc_ratio >= t.acc && cell.cost_ratio <= t.cost
          }
          cells.push(cell)
        }
      }
    }
    const perFile = tuneFiles.map((f, i) => ({tune: f.rows, held: heldFiles[i]?.rows ?? []}))
    const bounds = MODES.flatMap((mode) =>
      REVIEWS.map((review) => ({
        mode,
        review,
        bound: perTypeBound(perFile, models, parseReview(review), ref, TARGETS[mode][review].cost),
        hindsight: perTypeBound(perFile.map((f) => ({tune: f.held, held: f.held})), models, parseReview(review), ref, TARGETS[mode][review].cost),
      })),
    )
    const prompts = perFile.map((f, i) => ({file: basename(names[i] as string, '.csv').replace(/_train$/, ''), rows: f.tune.length + f.held.length, distinct: distinctPrompts([...f.tune, ...f.held])}))
    return {cells, seeds: options.seeds, files: names, cto_model: ctoModel, reference: ref, commands, charts, shuffled: options.shuffle === true, bounds, prompts}
  } finally {
    await rm(tmp, {recursive: true, force: true})
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`
const ratio = (v: number) => v.toFixed(3)

/**
 * How far a mean of three seeds moves: the wider run's seeds taken three at a time (consecutive,
 * disjoint), the lowest and highest of those means.
 */
export function tripleSpread(values: number[]): {low: number; high: number} | undefined {
  const means: number[] = []
  for (let i = 0; i + 3 <= values.length; i += 3) means.push(mean(values.slice(i, i + 3)))
  return means.length > 0 ? {low: Math.min(...means), high: Math.max(...means)} : undefined
}

/** The README block: markdown tables of the result (and, given, the same settings over more seeds). */
export function replayMarkdown(r: ReplayBenchResult, wider?: ReplayBenchResult): string {
  const lines: string[] = []
  const all = r.cells.filter((c) => c.section === 'all')
  lines.push(`Held-out rows: the last 30 % of each training file (${all[0]?.rows ?? 0} rows), after the first 70 % as warm-up; mean of seeds ${r.seeds.join(', ')} [worst seed]; reference: always \`${r.reference}\` (the most accurate model on the warm-up rows), on the same rows. CTO \`${r.cto_model}\` (the default: the cheapest model at least as accurate as the median model).`)
  lines.push('')
  lines.push('| setting | review | router accuracy × ref [worst] | router cost × ref [worst] | fixed cascade (accuracy × / cost ×) | bound: a cascade per file, full knowledge | CTO cost × ref (share of total) | target | |')
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |')
  for (const c of all) {
    const t = TARGETS[c.mode][c.review]
    const b = r.bounds.find((x) => x.mode === c.mode && x.review === c.review)?.bound
    lines.push(`| ${c.mode} | ${c.review} | **${ratio(c.acc_ratio)}** [${ratio(c.worst_acc_ratio)}] | **${pct(c.cost_ratio)}** [${pct(c.worst_cost_ratio)}] | ${ratio(c.cascade_acc_ratio)} / ${pct(c.cascade_cost_ratio)} | ${b ? `${ratio(b.acc_ratio)} / ${pct(b.cost_ratio)}` : '—'} | ${pct(c.cto_ratio)} (${pct(c.cto_share)}) | ≥ ${t.acc.toFixed(2)} at ≤ ${(t.cost * 100).toFixed(0)} % | ${c.met ? 'met' : `missed (${[c.acc_ratio < t.acc ? 'accuracy' : '', c.cost_ratio > t.cost ? 'cost' : ''].filter(Boolean).join(', ')})`} |`)
  }
  if (wider) {
    const w = wider.cells.filter((c) => c.section === 'all')
    const seeds = wider.seeds
    lines.push('')
    lines.push(`Over ${seeds.length} other seeds (${seeds[0]}–${seeds.at(-1)}${wider.shuffled ? ", each replaying each file's warm-up and held-out rows in its own order" : ''}; the mean of three seeds is noisy): ${w.map((c) => {
      const acc = tripleSpread(c.per_seed.map((p) => p.acc))
      const cost = tripleSpread(c.per_seed.map((p) => p.cost))
      return `${c.mode} ${c.review} **${ratio(c.acc_ratio)}** × at **${pct(c.cost_ratio)}**${acc && cost ? ` (means of three of them: ${ratio(acc.low)}–${ratio(acc.high)} × at ${pct(cost.low)}–${pct(cost.high)})` : ''}`
    }).join('; ')}.`)
  }
  lines.push('')
  lines.push(`Fixed cascades chosen on the warm-up rows: ${[...new Set(all.map((c) => `${c.review}: ${c.cascade}`))].join('; ')}. Oracle (cheapest right model per row): ${ratio(all[0]?.oracle_acc_ratio ?? 0)} × at ${pct(all[0]?.oracle_cost_ratio ?? 0)}.`)
  lines.push('')
  const bounds = r.bounds.filter((b) => b.bound)
  lines.push(`The bound column: one fixed cascade per file (per task type), each chosen knowing the outcomes of that file's warm-up rows, with the cost weight that keeps the held-out cost within the target's budget — what learning could reach at best, not a policy (bench/type-bound.ts): ${bounds.map((b) => `${b.mode} ${b.review}: ${b.bound?.cascades.join('; ')} (λ ${b.bound?.cost_weight.toFixed(3)})`).join('. ')}. Chosen knowing the held-out rows' own outcomes instead (hindsight): ${bounds.map((b) => (b.hindsight ? `${b.mode} ${b.review} ${ratio(b.hindsight.acc_ratio)} × at ${pct(b.hindsight.cost_ratio)}` : `${b.mode} ${b.review} —`)).join(', ')}.`)
  const same = r.prompts.filter((p) => p.distinct * 2 < p.rows)
  if (same.length > 0) {
    lines.push('')
    lines.push(`${same.map((p) => `${p.file}: ${p.distinct} distinct prompt${p.distinct === 1 ? '' : 's'} in ${p.rows} rows`).join('; ')}. A router sees a row's prompt and the oracle sees its outcome; where the prompts are the same, no router can tell the rows apart, and the best it can do on that file is one cascade (the bound's).`)
  }
  lines.push('')
  lines.push('Per file (accuracy × / cost × the reference on that file\'s rows; fixed cascade beside):')
  lines.push('')
  const files = [...new Set(r.cells.filter((c) => c.section !== 'all').map((c) => c.section))]
  lines.push(`| file | rows | distinct prompts (all rows) | ${all.map((c) => `${c.mode} ${c.review}`).join(' | ')} |`)
  lines.push(`| --- | ---: | ---: | ${all.map(() => '---:').join(' | ')} |`)
  for (const f of files) {
    const cs = r.cells.filter((c) => c.section === f)
    const prompts = r.prompts.find((p) => p.file === f)
    lines.push(`| ${f} | ${cs[0]?.rows ?? 0} | ${prompts ? `${prompts.distinct} of ${prompts.rows}` : '—'} | ${all.map((a) => {
      const c = cs.find((x) => x.mode === a.mode && x.review === a.review)
      return c ? `${ratio(c.acc_ratio)} / ${pct(c.cost_ratio)} (cascade ${ratio(c.cascade_acc_ratio)} / ${pct(c.cascade_cost_ratio)})` : '—'
    }).join(' | ')} |`)
  }
  return lines.join('\n')
}

export async function writeReplayReadme(r: ReplayBenchResult, readme: string, docs: string, wider?: ReplayBenchResult): Promise<string[]> {
  const written: string[] = []
  for (const c of r.charts.filter((x) => x.review === 'perfect')) {
    const file = join(docs, `replay-${c.mode}.svg`)
    await writeFile(file, renderReplaySvg(c.report))
    written.push(file)
  }
  const text = await readFile(readme, 'utf8')
  const begin = '<!-- replay:begin -->'
  const end = '<!-- replay:end -->'
  const a = text.indexOf(begin)
  const b = text.indexOf(end)
  if (a < 0 || b < a) return written
  await writeFile(readme, `${text.slice(0, a + begin.length)}\n${replayMarkdown(r, wider)}\n${text.slice(b)}`)
  written.push(readme)
  return written
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const {values} = parseArgs({
    options: {
      data: {type: 'string', default: join(import.meta.dirname, '..', '..', 'shared', 'data', 'routerbench')},
      seeds: {type: 'string', default: '1,2,3'},
      readme: {type: 'string'},
      json: {type: 'boolean', default: false},
    },
  })
  const r = await runReplayBench({data: values.data, seeds: values.seeds.split(',').map(Number)})
  if (values.json) console.log(JSON.stringify(r.cells, null, 2))
  else console.log(replayMarkdown(r))
  if (values.readme) console.log(`wrote ${(await writeReplayReadme(r, values.readme, join(import.meta.dirname, '..', 'docs'))).join(', ')}`)
}
