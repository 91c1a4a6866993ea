/**
 * The report's data, gathered from a real file store through the store's interface, against an
 * independent count of the raw attempts (fixtures/expected.ts): every number the page draws.
 */
import {createHash} from 'node:crypto'
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {foldDay, type DayRollups} from '../../src/core/store/day-rollups.js'
import {openStore, type FilePerfStore} from '../../src/core/store/perf-store.js'
import {gatherReport} from '../../src/core/report/gather-report.js'
import {buildReportData, type ReportOptions} from '../../src/core/report/report-data.js'
import {jsonForScript, renderReportHtml} from '../../src/core/report/report-html.js'
import {worstTasks} from '../../src/core/report/worst-tasks.js'
import type {AttemptRecord} from '../../src/core/store/types.js'
import {dayOf, expectedFor} from './fixtures/expected.js'
import {sampleAttempts} from './fixtures/sample-attempts.js'

const budgets = {claude: 100_000, external: 1_000_000, enforced: true}
const opts = (o: Partial<ReportOptions> = {}): ReportOptions => ({by: 'model', budgets, now: new Date(2025, 6, 1), ...o})

let store: FilePerfStore
const records = sampleAttempts({days: 30})
const want = expectedFor(records)

beforeAll(async () => {
  const dir = join(await mkdtemp(join(tmpdir(), 'cto-report-')), 'perf')
  // Small segments: the day rollups then come from history and state, the newest attempts from several segments.
  store = await openStore({dir, segmentBytes: 64 * 1024, onWarning: (m) => process.stderr.write(`store warning: ${m}\n`)})
  for (let i = 0; i < records.length; i += 100) await store.recordMany(records.slice(i, i + 100))
})

describe('report data from a known store', () => {
  it('cost per day: one stacked series per model, every day from first to last, the cost of each model on each day', async () => {
    const data = await gatherReport(store, opts())
    expect(data.empty).toBe(false)
    expect(data.cost.dates).toEqual(want.days)
    expect(data.cost.series.map((s) => s.name).sort()).toEqual(want.models)
    for (const s of data.cost.series) {
      for (const [i, date] of data.cost.dates.entries()) expect(s.cost[i], `${s.name} ${date}`).toBeCloseTo(want.costByModelDay.get(`${s.name}|${date}`) ?? 0, 5)
    }
    // Most expensive first, and the budget of each group beside its tokens per day.
    const totals = data.cost.series.map((s) => s.total_usd)
    expect(totals).toEqual([...totals].sort((a, b) => b - a))
    const claudeTokens = records.filter((r) => r.group === 'claude').reduce((a, r) => a + r.input_tokens + r.output_tokens, 0)
    expect(data.cost.groups.find((g) => g.group === 'claude')).toMatchObject({budget: 100_000, enforced: true})
    expect(data.cost.groups.find((g) => g.group === 'claude')?.tokens.reduce((a, n) => a + n, 0)).toBe(claudeTokens)
    expect(data.totals).toMatchObject({attempts: records.length, first_day: want.days[0], last_day: want.days.at(-1)})
  })

  it('heatmap: a cell per model × task type with attempts, its success rate and mean quality; few attempts counted as little evidence', async () => {
    const data = await gatherReport(store, opts())
    const q = data.quality
    expect(q.cells).toHaveLength(want.cells.size)
    for (const [r, c, attempts, success, quality] of q.cells) {
      const w = want.cells.get(`${q.rows[r]}|${q.cols[c]}`)
      expect(w, `${q.rows[r]}|${q.cols[c]}`).toBeDefined()
      expect(attempts).toBe(w?.attempts)
      expect(success).toBeCloseTo((w?.successes ?? 0) / (w?.attempts ?? 1), 3)
      if (w?.qn) expect(quality).toBeCloseTo(w.qsum / w.qn, 2)
      else expect(quality).toBeNull()
    }
    const few = [...want.cells.values()].filter((c) => c.attempts < 10).length
    expect(few).toBeGreaterThan(0)
    expect(data.notes).toContain(`${few} of ${want.cells.size} heatmap cells rest on fewer than 10 attempts: they are drawn faded, with a dashed border.`)
  })

  it('routes: escalations as failed → next model and each model’s share of first attempts', async () => {
    const data = await gatherReport(store, opts())
    expect(new Map(data.routes.escalations.map((e) => [`${e.from}|${e.to}`, e.count]))).toEqual(want.escalations)
    expect(new Map(data.routes.first_served.map((f) => [f.model, f.tasks]))).toEqual(want.firstServed)
    expect(data.routes.first_served.reduce((a, f) => a + f.share, 0)).toBeCloseTo(1, 3)
  })

  it('worst recent tasks: blocked before rejected, each with its chain of models and the command that shows its log', async () => {
    const data = await gatherReport(store, opts())
    expect(data.worst).toMatchObject({window: 2000, read: records.length})
    expect(data.worst.tasks).toHaveLength(Math.min(20, want.bad.size))
    const outcomes = data.worst.tasks.map((t) => t.outcome)
    expect(outcomes).toEqual([...outcomes].sort())
    for (const t of data.worst.tasks) {
      expect(want.bad.get(t.task_id)).toBe(t.outcome)
      expect(t.command).toBe(`cto logs --task ${t.task_id}`)
      expect(t.attempts.map((a) => a.model)).toEqual(records.filter((r) => r.task_id === t.task_id).map((r) => r.model))
    }
  })

  it('worst tasks come from the newest attempts only (the window), not from the whole history', async () => {
    const data = await gatherReport(store, {...opts(), window: 40})
    expect(data.worst).toMatchObject({window: 40, read: 40})
    const newest = new Set([...records].sort((a, b) => b.time.localeCompare(a.time)).slice(0, 40).map((r) => r.task_id))
    expect(data.worst.tasks.length).toBeGreaterThan(0)
    for (const t of data.worst.tasks) expect(newest.has(t.task_id)).toBe(true)
  })

  it('--since: days from its date on, and the heatmap and routes from the attempts since then', async () => {
    const since = new Date(`${want.days[20]}T00:00:00`)
    const data = await gatherReport(store, opts({since}))
    const recent = records.filter((r) => r.time >= since.toISOString())
    const w = expectedFor(recent)
    expect(data.cost.dates).toEqual(want.days.slice(20))
    expect(data.quality.cells.reduce((a, c) => a + c[2], 0)).toBe(recent.length)
    expect(data.routes.first_served.reduce((a, f) => a + f.tasks, 0)).toBe([...w.firstServed.values()].reduce((a, n) => a + n, 0))
    expect(data.worst.read).toBe(recent.length)
    expect(data.filters.since).toBe(since.toISOString())
    const future = await gatherReport(store, opts({since: new Date(2030, 0, 1)}))
    expect(future.cost.dates).toEqual([])
    expect(future.notes).toContain(`No attempts since ${new Date(2030, 0, 1).toISOString()}: the store's newest day is ${want.days.at(-1)}.`)
  })

  it('--type: one heatmap column and that type’s routes; the per-day charts stay whole and a note says why', async () => {
    const data = await gatherReport(store, opts({type: 'coding'}))
    expect(data.quality.cols).toEqual(['coding'])
    const coding = records.filter((r) => r.task_type === 'coding')
    expect(data.totals.attempts).toBe(coding.length)
    expect(data.routes.first_served.reduce((a, f) => a + f.tasks, 0)).toBe(coding.filter((r) => r.escalation_step === 0).length)
    expect(data.worst.tasks.every((t) => t.type === 'coding')).toBe(true)
    expect(data.cost.series.map((s) => s.name).sort()).toEqual(want.models)
    expect(data.notes.some((n) => n.startsWith('Cost per day and tokens per group are for every task type, not only coding'))).toBe(true)
  })

  it('--model: its series and row, escalations into or out of it, its share against the other models', async () => {
    const data = await gatherReport(store, opts({model: 'sonnet'}))
    expect(data.cost.series.map((s) => s.name)).toEqual(['sonnet'])
    expect(data.quality.rows).toEqual(['sonnet'])
    expect(data.routes.escalations.length).toBeGreaterThan(0)
    expect(data.routes.escalations.every((e) => e.from === 'sonnet' || e.to === 'sonnet')).toBe(true)
    expect(data.routes.first_served.map((f) => f.model).sort()).toEqual(want.firstServed.has('sonnet') ? ['other models', 'sonnet'] : ['other models'])
    expect(data.worst.tasks.every((t) => t.attempts.some((a) => a.model === 'sonnet'))).toBe(true)
    const none = await gatherReport(store, opts({model: 'nosuch'}))
    expect(none.notes).toContain('No attempts by nosuch.')
    expect(none.cost.series).toEqual([])
  })

  it('--by user: records that name no member give one series and a note saying why', async () => {
    const data = await gatherReport(store, opts({by: 'user'}))
    expect(data.cost.series).toHaveLength(1)
    expect(data.cost.series[0].name).toBe('everyone (records name no member)')
    expect(data.cost.series[0].total_usd).toBeCloseTo(records.reduce((a, r) => a + r.cost_usd, 0), 4)
    expect(data.notes.some((n) => n.startsWith('These records name no member'))).toBe(true)
  })
})

describe('report data, pure parts', () => {
  it('--by user: day rollups of records that name who ran them stack the cost by member', () => {
    const days: DayRollups = {}
    const rs = sampleAttempts({days: 5}).map((r, i) => ({...r, user: i % 3 === 0 ? 'ana@laptop' : 'bo@desk'}))
    for (const r of rs) foldDay(days, r as AttemptRecord)
    const base = {store: 'x', health: {stale: false, problems: []}, info: {attempts: rs.length, baselines: 0}, breakdown: {source: 'aggregates' as const, by_model_type: {}, first_served: {}, escalations: {}}, latest: rs.slice().reverse(), latestLimit: 5000}
    const data = buildReportData({...base, days}, opts({by: 'user'}))
    expect(data.cost.series.map((s) => s.name).sort()).toEqual(['ana@laptop', 'bo@desk'])
    expect(data.cost.series.find((s) => s.name === 'ana@laptop')?.total_usd).toBeCloseTo(rs.filter((r) => r.user === 'ana@laptop').reduce((a, r) => a + r.cost_usd, 0), 5)
    expect(data.notes.some((n) => n.startsWith('These records name no member'))).toBe(false)
    expect(data.worst.tasks.every((t) => t.user === 'ana@laptop' || t.user === 'bo@desk')).toBe(true)
    // By model, the same rollups give one series per model.
    expect(buildReportData({...base, days}, opts()).cost.series.length).toBe(new Set(rs.map((r) => r.model)).size)
  })

  it('worst tasks: a task served on its first try is not listed; ids that need quoting are quoted for the shell', () => {
    const base = sampleAttempts({days: 1})[0]
    const at = (task_id: string, step: number, ok: boolean, approved?: boolean) => ({...base, task_id, escalation_step: step, success: ok, approved, time: new Date(Date.UTC(2025, 0, 1, 0, step)).toISOString()})
    const list = [at('fine', 0, true, true), at("it's odd; rm -rf ~", 0, false), at('saved', 1, true, true), at('saved', 0, true, false)].reverse()
    const tasks = worstTasks(list, {limit: 10})
    expect(tasks.map((t) => [t.task_id, t.outcome])).toEqual([
      ["it's odd; rm -rf ~", 'blocked'],
      ['saved', 'rejected'],
    ])
    expect(tasks[0].command).toBe(`cto logs --task 'it'\\''s odd; rm -rf ~'`)
  })

  it('an empty store: empty, with the commands that fill it', () => {
    const data = buildReportData(
      {store: '/s', health: {stale: false, problems: []}, info: {attempts: 0, baselines: 0}, days: {}, breakdown: {source: 'aggregates', by_model_type: {}, first_served: {}, escalations: {}}, latest: [], latestLimit: 5000},
      opts(),
    )
    expect(data).toMatchObject({empty: true, notes: [], cost: {dates: [], series: []}, quality: {cells: []}, worst: {tasks: []}})
    expect(data.fill_hints.join('\n')).toMatch(/cto task .*\n.*cto perf import .*model_performance\.json/)
  })

  it('the HTML: data that looks like markup cannot end its block, and the CSP allows exactly the page script', () => {
    const evil = '</script><script>alert(1)</script><!--'
    expect(jsonForScript({evil})).not.toMatch(/</)
    expect(JSON.parse(jsonForScript({evil}))).toEqual({evil})
    const data = buildReportData(
      {store: evil, health: {stale: false, problems: []}, info: {attempts: 0, baselines: 0}, days: {}, breakdown: {source: 'aggregates', by_model_type: {}, first_served: {}, escalations: {}}, latest: [], latestLimit: 1},
      opts(),
    )
    const script = 'document.title = "x"'
    const html = renderReportHtml(data, {script, style: 'body{}'})
    expect(html.match(/<script/g)).toHaveLength(2)
    expect(html).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`)
    expect(html).toContain("connect-src 'none'")
    expect(() => renderReportHtml(data, {script: 'var a = "</script>"', style: ''})).toThrow(/cannot be inlined/)
  })

  it('dates run through month ends and daylight-saving changes without gaps or repeats', () => {
    const days: DayRollups = {}
    for (const d of ['2025-03-28', '2025-04-02', '2025-10-25', '2025-10-28']) foldDay(days, {...sampleAttempts({days: 1})[0], time: new Date(`${d}T12:00:00`).toISOString()})
    const data = buildReportData({store: 's', health: {stale: false, problems: []}, info: {attempts: 4, baselines: 0}, days, breakdown: {source: 'aggregates', by_model_type: {}, first_served: {}, escalations: {}}, latest: [], latestLimit: 1}, opts())
    expect(data.cost.dates[0]).toBe('2025-03-28')
    expect(data.cost.dates.at(-1)).toBe('2025-10-28')
    expect(new Set(data.cost.dates).size).toBe(data.cost.dates.length)
    expect(data.cost.dates).toHaveLength(215)
    expect(dayOf(new Date(2025, 9, 26, 12).toISOString())).toBe(data.cost.dates[212])
  })
})
