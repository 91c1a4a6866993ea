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
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-replay-'))
  small = join(dir, 'small.csv')
  // Known answers: row 0 only claude-big, row 1 only mid, row 2 only cheap, row 3 nobody, row 4 everybody, row 5 cheap has no result.
  await writeFile(small, csv([{scores: [0, 0, 1]}, {scores: [0, 1, 0]}, {scores: [1, 0, 0]}, {scores: [0, 0, 0]}, {scores: [1, 1, 1]}, {scores: ['', 1, 1]}]))
  learn = join(dir, 'learn.csv')
  // cheap is right 90 % of the time, mid 60 %, claude-big always.
  await writeFile(learn, csv(Array.from({length: 300}, (_, i) => ({evalName: 'arc-challenge', scores: [i % 10 === 0 ? 0 : 1, i % 5 < 3 ? 1 : 0, 1]}))))
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
    expect(cold.warmup_rows).toBe(0)
    expect(cold.all.rows).toBe(90)
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
