import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {REPO, type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {makeAttempt} from '../store/fixtures/attempts.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('cto perf through the CLI', () => {
  it('says how to get data in when the store is empty', async () => {
    const r = await sb.run(['perf'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/cto task|cto perf import/)
    const j = await sb.json<{empty: boolean}>(['perf'])
    expect(j.empty).toBe(true)
  })

  it('summarises recorded attempts per model and per task type, exports and imports them', async () => {
    const {openStore} = await import('../../src/core/store/perf-store.js')
    const store = await openStore({env: sb.env})
    await store.recordMany(Array.from({length: 40}, (_, i) => makeAttempt(1, i)))
    const all = await sb.json<{models: Array<{model: string; attempts: number}>}>(['perf'])
    expect(all.models.reduce((n, m) => n + m.attempts, 0)).toBe(40)
    const one = await sb.run(['perf', '--model', 'deepseek'])
    expect(one.code).toBe(0)
    expect(one.stdout).toContain('deepseek')
    const out = join(sb.home, 'attempts.jsonl')
    expect((await sb.run(['perf', 'export', '--output', out])).code).toBe(0)
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(40)
    const reset = await sb.run(['perf', 'reset', '--yes'])
    expect(reset.code).toBe(0)
    expect((await sb.json<{empty: boolean}>(['perf'])).empty).toBe(true)
    const imp = await sb.json<{attempts_added: number}>(['perf', 'import', out])
    expect(imp.attempts_added).toBe(40)
    const status = await sb.json<{store: {attempts: number}}>(['status'])
    expect(status.store.attempts).toBe(40)
  })

  it('imports the original model_performance.json', async () => {
    const r = await sb.run(['perf', 'import', join(REPO, 'test', 'store', 'fixtures', 'model_performance.json')])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Imported 0 attempt\(s\) and \d+ model\/task-type total\(s\)/)
    const j = await sb.json<{empty: boolean}>(['perf'])
    expect(j.empty).toBe(false)
  })
})

describe('cto bench replay through the CLI', () => {
  // claude-* models form the Claude group, so the replay's CTO picks claude-dear and the override sends routine rows to cheap.
  const header = 'sample_id,eval_name,prompt,cheap,claude-dear,cheap|total_cost,claude-dear|total_cost,oracle_model_to_route_to'

  it('reports the router against single models, random and the oracle; writes the chart', async () => {
    const rows = Array.from({length: 60}, (_, i) => `s${i},mbpp,"Write a function ""f${i}""\nthat adds",${i % 4 === 0 ? 0 : 1},1,0.0001,0.01,cheap`)
    const file = join(sb.home, 'tiny.csv')
    await writeFile(file, `${header}\n${rows.join('\n')}\n`)
    const svg = join(sb.home, 'chart.svg')
    const r = await sb.run(['bench', 'replay', file, '--seed', '3', '--plot', svg, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const rep = JSON.parse(r.stdout)
    expect(rep.all.rows).toBe(60)
    // Every row: either correct at once, or escalated to the model that is always right.
    expect(rep.all.result.accuracy).toBe(1)
    expect(rep.all.singles.map((s: {name: string}) => s.name).sort()).toEqual(['cheap', 'claude-dear'])
    expect(rep.all.oracle.accuracy).toBe(1)
    expect(rep.all.result.cost_usd).toBeLessThan(rep.all.singles.find((s: {name: string}) => s.name === 'claude-dear').cost_usd / 2)
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg/)
    const human = await sb.run(['bench', 'replay', file, '--policy', 'always:claude-dear'])
    expect(human.stdout).toMatch(/router \(always:claude-dear\)\s+100\.0%/)
  })

  it('replays --warmup files first, scores only the test files, prices the CTO apart and plots the fixed cascade', async () => {
    const rows = (n: number, from: number) => Array.from({length: n}, (_, i) => `s${from + i},mbpp,"Write a function f${from + i}",${(from + i) % 4 === 0 ? 0 : 1},1,0.0001,0.01,cheap`)
    const train = join(sb.home, 'train.csv')
    const test = join(sb.home, 'test.csv')
    await writeFile(train, `${header}\n${rows(80, 0).join('\n')}\n`)
    await writeFile(test, `${header}\n${rows(20, 100).join('\n')}\n`)
    const svg = join(sb.home, 'frontier.svg')
    const r = await sb.run(['bench', 'replay', test, '--seed', '2', '--plot', svg, '--json', '--warmup', train])
    expect(r.code, r.stderr).toBe(0)
    const rep = JSON.parse(r.stdout)
    expect(rep.all.rows).toBe(20)
    expect(rep.warmup_rows).toBe(80)
    expect(rep.per_file.map((f: {name: string}) => f.name)).toEqual(['test.csv'])
    expect(rep.all.result.accuracy).toBe(1)
    expect(rep.all.result.cto_cost_usd).toBeGreaterThan(0)
    expect(rep.all.result.cto_calls).toBeGreaterThanOrEqual(40)
    expect(rep.cto_model).toBe('cheap')
    expect(rep.fixed_cascade.models).toEqual(['cheap', 'claude-dear'])
    expect(rep.all.cascade).toMatchObject({models: ['cheap', 'claude-dear'], accuracy: 1})
    const chart = await readFile(svg, 'utf8')
    expect(chart).toContain('single-model frontier')
    expect(chart).toMatch(/fixed cascade cheap → claude-dear: 100\.0%/)
    expect(chart).toContain('oracle:')
    // --cold: the warm-up rows only choose the fixed cascade; --cto prices another model's calls.
    const cold = await sb.run(['bench', 'replay', test, '--seed', '2', '--cold', '--cto', 'claude-dear', '--warmup', train])
    expect(cold.code, cold.stderr).toBe(0)
    expect(cold.stdout).toMatch(/cold start \(80 warm-up rows only chose the fixed cascade\)/)
    expect(cold.stdout).toMatch(/CTO claude-dear at an estimated \$/)
    expect(cold.stdout).toMatch(/fixed cascade cheap → claude-dear\s+100\.0%/)
    expect(cold.stdout).toMatch(/the CTO's own calls \(\d+ classifications and reviews\): \$\d/)
    const bad = await sb.run(['bench', 'replay', test, '--cto', 'nobody', '--warmup', train])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/--cto nobody is not a model of the files/)
  })

  it('names the line of a malformed file', async () => {
    const file = join(sb.home, 'bad.csv')
    await writeFile(file, `${header}\ns1,mbpp,"unclosed,1,1,0.1,0.2,cheap\n`)
    const r = await sb.run(['bench', 'replay', file])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/bad\.csv.*line \d/)
  })
})
