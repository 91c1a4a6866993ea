/** Human output for `cto perf`: aligned tables of a PerfSummary, and the empty-store message. */
import {formatInt} from '../cli/format.js'
import {renderTable, type Column} from '../cli/table.js'
import type {PerfRow, PerfSummary} from './perf-summary.js'
import type {AttemptRecord, UserRow} from './types.js'

const pct = (v: number | null) => (v === null ? undefined : `${Math.round(v * 100)}%`)
const fixed = (v: number | null, digits: number) => (v === null ? undefined : v.toFixed(digits))
const seconds = (ms: number | null) => (ms === null ? undefined : `${(ms / 1000).toFixed(1)}s`)
// Under $0.0001 (a local or very cheap model), two significant digits: "$0.0000" said a cost was none.
const usd = (v: number) => `$${v > 0 && v < 0.0001 ? v.toFixed(1 - Math.floor(Math.log10(v))) : v < 1 ? v.toFixed(4) : v.toFixed(2)}`

type Figures = Omit<PerfRow, 'model' | 'task_type'>

/** The `tests pass` column only when some row has verified attempts (history before verification has none). */
const rowColumns = <R extends Figures>(first: Column<R>, rows: R[]): Column<R>[] => [
  first,
  {header: 'tasks', get: (r) => r.tasks},
  {header: 'attempts', get: (r) => r.attempts},
  {header: 'success', get: (r) => pct(r.success_rate)},
  {header: 'quality', get: (r) => fixed(r.avg_quality, 1)},
  {header: 'avg tokens', get: (r) => fixed(r.avg_tokens, 0)},
  {header: 'avg time', get: (r) => seconds(r.avg_duration_ms)},
  {header: 'cost', get: (r) => usd(r.total_cost_usd)},
  {header: 'escalated', get: (r) => pct(r.escalation_rate)},
  ...(rows.some((r) => r.verify_pass_rate !== null) ? [{header: 'tests pass', get: (r: R) => pct(r.verify_pass_rate)}] : []),
]

export function emptyStoreMessage(dir: string): string {
  return [
    `No attempts recorded yet (store: ${dir}).`,
    'Every "cto task" run records its attempts here. To bring in history:',
    '  cto perf import ~/clautonomous/linux/config/model_performance.json   (the original system)',
    '  cto perf import FILE.jsonl|FILE.csv                                  (a "cto perf export")',
  ].join('\n')
}

export function renderPerfSummary(s: PerfSummary): string {
  if (s.empty) return emptyStoreMessage(s.store)
  const scope = [s.filters.type ? `task type ${s.filters.type}` : '', s.filters.since ? `since ${s.filters.since}` : ''].filter(Boolean).join(', ')
  const out: string[] = []
  if (s.models.length === 0) {
    out.push(`No attempts${s.filters.model ? ` by ${s.filters.model}` : ''}${scope ? ` (${scope})` : ''}.`)
    return out.join('\n')
  }
  if (s.by_user) {
    out.push(renderTable<UserRow>(s.by_user, [...rowColumns<UserRow>({header: 'user', get: (r) => r.user}, s.by_user), {header: 'models', get: (r) => r.models.join(', ')}]))
  } else if (s.filters.model === undefined) {
    out.push(renderTable(s.models, rowColumns({header: 'model', get: (r) => r.model}, s.models)))
  } else {
    out.push(renderTable(s.models, rowColumns({header: 'model', get: (r) => r.model}, s.models)))
    if (s.by_type && s.by_type.length > 0) out.push('', 'By task type', renderTable(s.by_type, rowColumns({header: 'type', get: (r) => r.task_type}, s.by_type)))
    if (s.recent && s.recent.length > 0) out.push('', 'Recent attempts', renderRecent(s.recent))
  }
  const totals = s.by_user ? {attempts: s.by_user.reduce((n, r) => n + r.attempts, 0), cost_usd: s.by_user.reduce((n, r) => n + r.total_cost_usd, 0)} : s.totals
  out.push('', `${formatInt(totals.attempts)} attempt${totals.attempts === 1 ? '' : 's'}${s.by_user ? ` by ${s.by_user.length} ${s.by_user.length === 1 ? 'person' : 'people'}` : ''}, ${usd(totals.cost_usd)}${scope ? ` (${scope})` : ''}.`)
  return out.join('\n')
}

function renderRecent(rows: AttemptRecord[]): string {
  return renderTable(rows, [
    {header: 'time', get: (r) => r.time.slice(0, 19).replace('T', ' ')},
    {header: 'type', get: (r) => r.task_type},
    {header: 'step', get: (r) => r.escalation_step},
    {header: 'ok', get: (r) => r.approved ?? r.success},
    {header: 'quality', get: (r) => r.quality},
    {header: 'tokens', get: (r) => r.input_tokens + r.output_tokens},
    {header: 'time', get: (r) => seconds(r.duration_ms)},
    {header: 'error', get: (r) => r.error_class},
    {header: 'task', get: (r) => r.task_excerpt.replace(/\s+/g, ' ').slice(0, 40)},
  ])
}
