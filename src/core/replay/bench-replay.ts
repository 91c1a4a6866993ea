/**
 * `cto bench replay`: runs the replay with the real performance store in a fresh temp folder (or
 * in memory), renders the report for people, and writes the chart.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CtoError} from '../errors.js'
import type {ReplayPolicy, ReplayReport, ReplaySection} from './replay-types.js'

export interface BenchReplayOptions {
  files: string[]
  /** Replayed first into the same store, not scored; the fixed cascade is chosen on them. */
  warmup: string[]
  /** Don't replay the warm-up rows into the store: they only choose the fixed cascade. */
  cold: boolean
  /** The CTO model whose calls are priced (default: see ReplayOptions.ctoModel). */
  cto?: string
  policy: string
  review: string
  types: 'eval_name' | 'heuristic'
  shuffle: boolean
  seed: number
  holdout?: number
  /** disk: the local store in a temp folder; postgres: the configured team database, in a temporary schema dropped afterwards; memory: no store. */
  store: 'disk' | 'memory' | 'postgres'
  plot?: string
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`
const usd = (v: number) => `$${v.toFixed(4)}`

export function renderSection(s: ReplaySection, policy: string): string {
  const rows = [
    {name: `router (${policy})`, acc: s.result.accuracy, cost: s.result.cost_usd},
    ...(s.cascade ? [{name: `fixed ${s.cascade.name}`, acc: s.cascade.accuracy, cost: s.cascade.cost_usd}] : []),
    ...[...s.singles].sort((a, b) => b.accuracy - a.accuracy).map((p) => ({name: p.name, acc: p.accuracy, cost: p.cost_usd})),
    {name: 'random model', acc: s.random.accuracy, cost: s.random.cost_usd},
    {name: 'oracle (cheapest correct)', acc: s.oracle.accuracy, cost: s.oracle.cost_usd},
  ]
  const w = Math.max(...rows.map((r) => r.name.length))
  const lines = [`${s.name}: ${s.rows} rows`, `  ${'policy'.padEnd(w)}  accuracy  cost`]
  for (const r of rows) lines.push(`  ${r.name.padEnd(w)}  ${pct(r.acc).padStart(8)}  ${usd(r.cost)}`)
  const calls = Object.entries(s.result.calls).sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ')
  lines.push(`  calls: ${calls}`)
  if (s.result.cto_calls > 0) lines.push(`  the CTO's own calls (${s.result.cto_calls} classifications and reviews): ${usd(s.result.cto_cost_usd)}, ${pct(s.result.cto_cost_usd / (s.result.cto_cost_usd + s.result.cost_usd || 1))} of the total ${usd(s.result.cto_cost_usd + s.result.cost_usd)}`)
  lines.push(`  escalations ${s.result.escalations}, blocked ${s.result.blocked}, first pick overridden ${s.result.overridden}${s.result.wrong_approved || s.result.right_rejected ? `, wrong approved ${s.result.wrong_approved}, right rejected ${s.result.right_rejected}` : ''}`)
  return lines.join('\n')
}

export async function runBenchReplay(o: BenchReplayOptions): Promise<{report: ReplayReport; text: string}> {
  if (!/^(cto|random|oracle|always:.+)$/.test(o.policy)) {
    throw new CtoError({code: 'BAD_FLAG', message: `Unknown --policy ${o.policy}: use cto, random, oracle or always:<model>.`})
  }
  const {runReplay} = await import('./replay-engine.js')
  const {renderReplaySvg} = await import('./replay-svg.js')
  const tmp = o.store === 'disk' ? await mkdtemp(join(tmpdir(), 'cto-replay-')) : undefined
  let team: import('../store/pg/pg-store.js').PgPerfStore | undefined
  try {
    let store
    if (tmp) {
      const {openStore} = await import('../store/perf-store.js')
      store = await openStore({dir: join(tmp, 'perf')})
    }
    if (o.store === 'postgres') {
      team = await openReplaySchema()
      store = team
    }
    const report = await runReplay({
      files: o.files,
      warmupFiles: o.warmup,
      ctoModel: o.cto,
      policy: o.policy as ReplayPolicy,
      review: o.review,
      types: o.types,
      shuffle: o.shuffle,
      seed: o.seed,
      ...(o.holdout ? {score: {from: 1 - o.holdout, to: 1}} : {}),
      warmup: !o.cold && (o.holdout !== undefined || o.warmup.length > 0),
      store,
    })
    if (o.plot) await writeFile(o.plot, renderReplaySvg(report))
    const warm = report.warmup_rows === 0 ? '' : report.warmup ? `, ${report.warmup_rows} warm-up rows replayed first (not scored)` : `, cold start (${report.warmup_rows} warm-up rows only chose the fixed cascade)`
    const cascade = report.fixed_cascade ? `\nFixed cascade chosen on the warm-up rows: ${report.fixed_cascade.models.join(' → ')} (${pct(report.fixed_cascade.accuracy)} there)` : ''
    const head = `Replay of ${report.files.length} file(s), policy ${report.policy}, review ${report.review.kind === 'noisy' ? `noisy:${report.review.p}` : 'perfect'}, types from ${report.types}, seed ${report.seed}${warm}\nCTO ${report.cto_model} at an estimated $${report.cto_usd_per_mtok.toFixed(2)} per million tokens${cascade}`
    const sections = report.per_file.length > 1 ? [report.all, ...report.per_file] : [report.all]
    const text = [head, '', ...sections.map((s) => renderSection(s, report.policy)).flatMap((s) => [s, '']), o.plot ? `Chart: ${o.plot}` : ''].join('\n').trimEnd()
    return {report, text}
  } finally {
    if (tmp) await rm(tmp, {recursive: true, force: true})
    if (team) {
      await team.connection.sql.unsafe(`DROP SCHEMA IF EXISTS "${team.schema}" CASCADE`).catch(() => {})
      await team.close()
    }
  }
}

/** The team store's database (CTO_STORE_URL / store.url), in a schema of its own for this replay: the team's history is neither read nor touched. */
async function openReplaySchema() {
  const {readStoreSettings} = await import('../store/store-settings.js')
  const settings = await readStoreSettings({env: process.env})
  if (settings.kind !== 'postgres') {
    throw new CtoError({
      code: 'BAD_FLAG',
      message: '--store postgres replays on the team database, and none is set.',
      actions: ['Set CTO_STORE_URL=postgres://USER:PASSWORD@HOST:PORT/DATABASE, or use --store disk.'],
    })
  }
  const {openPgStore} = await import('../store/pg/pg-store.js')
  const schema = `cto_replay_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  return openPgStore({settings: {...settings, schema}, onWarning: () => {}})
}
