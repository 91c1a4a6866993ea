import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {compareWith} from '../../src/core/replay/replay-compare.js'
import {parseReview, runReplay} from '../../src/core/replay/replay-engine.js'
import {renderReplaySvg} from '../../src/core/replay/replay-svg.js'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'

const MODELS = ['cheap', 'mid', 'claude-big']
const COST: Record<string, number> = {cheap: 0.001, mid: 0.004, 'claude-big': 0.02}

function csv(rows: Array<{evalName?: string; scores: Array<number | ''>}>): string {
  const header = ['sample_id', 'eval_name', 'prompt', ...MODELS, ...MODELS.map((m) => `${m}|total_cost`), 'oracle_model_to_route_to']
  const lines = rows.map((r, i) => [`s${i}`, r.evalName ?? 'mbpp', `"Write a function, number ${i}.\nReturn it."`, ...r.scores.map(String), ...MODELS.map((m) => String(COST[m])), 'cheap'].join(','))
  return `${[header.join(','), ...lines].join('\n')}\n`
}

let dir: string
let small: string
let learn: string
let learnCoding: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-replay-'))
  small = join(dir, 'small.csv')
  // Known answers: row 0 only claude-big, row 1 only mid, row 2 only cheap, row 3 nobody, row 4 everybody, row 5 cheap has no result.
  await writeFile(small, csv([{scores: [0, 0, 1]}, {scores: [0, 1, 0]}, {scores: [1, 0, 0]}, {scores: [0, 0, 0]}, {scores: [1, 1, 1]}, {scores: ['', 1, 1]}]))
  learn = join(dir, 'learn.csv')
  // cheap is right 90 % of the time, mid 60 %, claude-big always.
  await writeFile(learn, csv(Array.from({length: 300}, (_, i) => ({evalName: 'arc-challenge', scores: [i % 10 === 0 ? 0 : 1, i % 5 < 3 ? 1 : 0, 1]}))))
  // The same outcomes on coding rows (the type of small.csv's rows).
  learnCoding = join(dir, 'learn-coding.csv')
  await writeFile(learnCoding, csv(Array.from({length: 300}, (_, i) => ({evalName: 'mbpp', scores: [i % 10 === 0 ? 0 : 1, i % 5 < 3 ? 1 : 0, 1]}))))
})

describe('runReplay on a fixture with known answers', () => {
  it('scores the reference policies exactly', async () => {
    const r = await runReplay({files: [small], policy: 'always:mid'})
    expect(r.all.result).toMatchObject({rows: 6, correct: 3, calls: {mid: 6}})
    expect(r.all.result.cost_usd).toBeCloseTo(6 * 0.004, 12)
    const mid = r.all.singles.find((s) => s.name === 'mid')!
    expect(mid).toMatchObject({correct: 3, rows: 6})
    expect(r.all.singles.find((s) => s.name === 'claude-big')).toMatchObject({correct: 3})
    // Oracle: cheapest correct model; row 3 has none (cheapest is paid, answer wrong).
    expect(r.all.oracle.correct).toBe(5)
    expect(r.all.oracle.cost_usd).toBeCloseTo(0.02 + 0.004 + 0.001 + 0.001 + 0.001 + 0.004, 12)
    expect(r.all.random.accuracy).toBeCloseTo((1 + 1 + 1 + 0 + 3 + 2) / 3 / 6, 12)
    const oracle = await runReplay({files: [small], policy: 'oracle'})
    expect(oracle.all.result.correct).toBe(5)
  })

  it('with perfect review escalates until a right answer, and blocks the row nobody answers', async () => {
    const r = await runReplay({files: [small], seed: 3})
    expect(r.cto_choice).toBe('claude-big')
    expect(r.models.find((m) => m.name === 'claude-big')?.group).toBe('claude')
    expect(r.models.find((m) => m.name === 'cheap')?.group).toBe('external')
    // Three models, three attempts: every row with a right answer ends right; row 3 is blocked.
    expect(r.all.result.correct).toBe(5)
    expect(r.all.result.blocked).toBe(1)
    const calls = Object.values(r.all.result.calls).reduce((a, b) => a + b, 0)
    expect(r.all.result.escalations).toBe(calls - 6)
    // The blocked row paid for all three models.
    expect(r.all.result.cost_usd).toBeGreaterThanOrEqual(r.all.oracle.cost_usd + 0.001 + 0.004)
    expect(r.task_types).toEqual({coding: 6})
    // Simple coding tasks the CTO gave to claude-big go to an external model first.
    expect(r.all.result.overridden).toBe(6)
    expect(r.all.result.first_picks['claude-big']).toBeUndefined()
  })

  it('counts every call\'s cost', async () => {
    const store = new MemoryPerfStore({keepRecords: true})
    const r = await runReplay({files: [small], seed: 5, store})
    const recorded = store.records.reduce((s, a) => s + a.cost_usd, 0)
    expect(r.all.result.cost_usd).toBeCloseTo(recorded, 12)
    expect(store.records.length).toBe(Object.values(r.all.result.calls).reduce((a, b) => a + b, 0))
    // A model with no result is an engine failure, not an approval.
    const noResult = store.records.filter((a) => a.task_id.includes(':s5:') && a.model === 'cheap')
    for (const a of noResult) expect(a).toMatchObject({success: false, error_class: 'no_result'})
  })

  it('with review that always flips, approves only wrong answers', async () => {
    const r = await runReplay({files: [small], review: 'noisy:1'})
    expect(r.all.result.correct).toBe(0)
    expect(r.review).toEqual({kind: 'noisy', p: 1})
    const none = await runReplay({files: [small], review: 'noisy:0', seed: 3})
    const perfect = await runReplay({files: [small], review: 'perfect', seed: 3})
    expect(none.all.result).toEqual(perfect.all.result)
  })

  it('is reproducible with a seed', async () => {
    const a = await runReplay({files: [learn], review: 'noisy:0.2', seed: 11, shuffle: true})
    const b = await runReplay({files: [learn], review: 'noisy:0.2', seed: 11, shuffle: true})
    expect(a).toEqual(b)
  })

  it('learns from its store: the cheap good model takes most of the work', async () => {
    const r = await runReplay({files: [learn], seed: 2})
    expect(r.task_types).toEqual({research: 300})
    expect(r.all.result.accuracy).toBe(1)
    expect(r.all.result.first_picks.cheap).toBeGreaterThan(200)
    const vsBig = compareWith(r.all, 'claude-big')!
    expect(vsBig.accuracy_ratio).toBe(1)
    expect(vsBig.cost_ratio).toBeLessThan(0.2)
  })

  it('scores only the chosen range, after warming the store on the rows before it', async () => {
    const r = await runReplay({files: [learn], score: {from: 0.7, to: 1}, warmup: true})
    expect(r.all.rows).toBe(90)
    expect(r.warmup_rows).toBe(210)
    const cold = await runReplay({files: [learn], score: {from: 0.7, to: 1}})
    // Cold: the rows before the range only choose the fixed cascade; the store starts empty.
    expect(cold.warmup).toBe(false)
    expect(cold.warmup_rows).toBe(210)
    expect(cold.all.rows).toBe(90)
    expect(cold.fixed_cascade?.models).toEqual(r.fixed_cascade?.models)
    expect(cold.all.result).not.toEqual(r.all.result)
  })

  it('reports per file and all together', async () => {
    const r = await runReplay({files: [small, learn]})
    expect(r.per_file.map((f) => [f.name, f.rows])).toEqual([['small.csv', 6], ['learn.csv', 300]])
    expect(r.all.rows).toBe(306)
    expect(r.all.result.correct).toBe(r.per_file[0]!.result.correct + r.per_file[1]!.result.correct)
  })

  it('uses the heuristic classifier with --types heuristic', async () => {
    const r = await runReplay({files: [learn], types: 'heuristic'})
    expect(r.task_types).toEqual({coding: 300})
  })

  it('refuses bad options with a clear message', async () => {
    await expect(runReplay({files: [small], policy: 'always:gpt-9'})).rejects.toThrow(/always:gpt-9: no such model/)
    expect(() => parseReview('noisy:2')).toThrow(/noisy:<p>/)
    await expect(runReplay({files: []})).rejects.toThrow(/No file/)
  })
})

describe('warm-up files, the fixed cascade and the CTO\'s cost', () => {
  it('replays the warm-up files first into the same store and scores only the test files', async () => {
    const warm = await runReplay({files: [small], warmupFiles: [learnCoding], seed: 4})
    expect(warm.warmup).toBe(true)
    expect(warm.warmup_files).toEqual([learnCoding])
    expect(warm.warmup_rows).toBe(300)
    expect(warm.all.rows).toBe(6)
    expect(warm.per_file.map((f) => f.name)).toEqual(['small.csv'])
    const cold = await runReplay({files: [small], warmupFiles: [learnCoding], seed: 4, warmup: false})
    expect(cold.warmup).toBe(false)
    expect(cold.warmup_rows).toBe(300)
    // The same shape either way.
    expect(Object.keys(warm.all.result).sort()).toEqual(Object.keys(cold.all.result).sort())
    // What the store learned on the warm-up rows (cheap is right 90 % of the time there) shows in the first picks.
    expect(warm.all.result.first_picks.cheap).toBeGreaterThanOrEqual(5)
    expect(warm.all.result.accuracy).toBe(5 / 6)
    expect(cold.all.result.first_picks.cheap ?? 0).toBeLessThan(warm.all.result.first_picks.cheap ?? 0)
  })

  it('chooses the best fixed cascade on the warm-up rows and scores it exactly on the test rows', async () => {
    const r = await runReplay({files: [small], warmupFiles: [learn]})
    // On the warm-up rows cheap is wrong only where mid is right: cheap → mid reaches 100 % for little more than cheap.
    expect(r.fixed_cascade).toMatchObject({models: ['cheap', 'mid'], rows: 300, accuracy: 1})
    // On small.csv: rows 1, 2, 4, 5 are answered (row 5: cheap has no result, mid is right); cost: cheap on every row, mid where cheap failed.
    expect(r.all.cascade).toMatchObject({name: 'cascade cheap → mid', correct: 4, rows: 6})
    expect(r.all.cascade!.cost_usd).toBeCloseTo(6 * 0.001 + 4 * 0.004, 12)
    // With noisy review a wrong answer may end the row and a right one be passed on: the third step earns its place.
    const noisy = await runReplay({files: [small], warmupFiles: [learn], review: 'noisy:0.1'})
    expect(noisy.fixed_cascade?.models).toEqual(['cheap', 'mid', 'claude-big'])
    // Exact expectations per row: .9·.9·.9 + .9·.9 + .9 + 0 + (.9 + .1·.9 + .01·.9) + (.9 + .1·.9).
    expect(noisy.all.cascade!.correct).toBeCloseTo(0.729 + 0.81 + 0.9 + 0 + 0.999 + 0.99, 12)
    const none = await runReplay({files: [small]})
    expect(none.fixed_cascade).toBeNull()
    expect(none.all.cascade).toBeNull()
  })

  it('prices the CTO: one classification per row and one review per answer, apart from the workers\' cost', async () => {
    const r = await runReplay({files: [learn], seed: 2})
    const calls = Object.values(r.all.result.calls).reduce((a, b) => a + b, 0)
    expect(r.all.result.cto_calls).toBe(300 + calls)
    expect(r.all.result.cto_cost_usd).toBeGreaterThan(0)
    // The default CTO: the cheapest model at least as accurate as the median one (cheap, here).
    expect(r.cto_model).toBe('cheap')
    const dear = await runReplay({files: [learn], seed: 2, ctoModel: 'claude-big'})
    expect(dear.cto_model).toBe('claude-big')
    expect(dear.cto_usd_per_mtok / r.cto_usd_per_mtok).toBeCloseTo(20, 5)
    expect(dear.all.result.cto_cost_usd).toBeGreaterThan(r.all.result.cto_cost_usd * 15)
    // The workers' cost is reported apart and doesn't include the CTO.
    expect(dear.all.result.cost_usd).toBeLessThan(dear.all.result.cto_cost_usd)
    await expect(runReplay({files: [learn], ctoModel: 'gpt-9'})).rejects.toThrow(/--cto gpt-9 is not a model of the files/)
  })
})

describe('renderReplaySvg', () => {
  it('draws the policy against every single model, random and the oracle', async () => {
    const r = await runReplay({files: [learn], seed: 1})
    const svg = renderReplaySvg(r)
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    expect(svg.match(/<circle /g)?.length).toBe(3)
    expect(svg).toContain('cto (cto): 100.0%')
    expect(svg).toContain('oracle:')
    expect(svg).toContain('perfect review')
    const opened = (svg.match(/<(text|title)\b/g) ?? []).length
    const closed = (svg.match(/<\/(text|title)>/g) ?? []).length
    expect(opened).toBe(closed)
  })
})
