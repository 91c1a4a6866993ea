/**
 * Issue 14's "one loop": `cto bench replay` runs its rows through TaskRun, the loop `cto task`
 * runs (execute-task.ts builds the same class), so a change to the loop changes both. The change
 * made here: TaskRun's route() is made to pick one model whatever the router says. The replay's
 * first picks follow it, as a task's do; undo it, and they don't.
 */
import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, describe, expect, it, vi} from 'vitest'

import {resolveConfig} from '../../src/core/config/effective.js'
import type {EngineRequest, EngineResult} from '../../src/core/engines/types.js'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {runReplay} from '../../src/core/replay/replay-engine.js'
import {randomFromSeed} from '../../src/core/router/seeded-random.js'
import {TaskRun} from '../../src/core/task/task-run.js'
import {testModel} from '../support/test-model.js'

const MODELS = ['cheap', 'mid', 'dear']
const COST: Record<string, number> = {cheap: 0.001, mid: 0.004, dear: 0.02}

async function fixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cto-one-loop-'))
  const file = join(dir, 'rows.csv')
  const header = ['sample_id', 'eval_name', 'prompt', ...MODELS, ...MODELS.map((m) => `${m}|total_cost`), 'oracle_model_to_route_to']
  const lines = Array.from({length: 12}, (_, i) => [`s${i}`, 'arc-challenge', `"Question ${i}?"`, '1', '1', '1', ...MODELS.map((m) => String(COST[m])), 'cheap'].join(','))
  await writeFile(file, `${[header.join(','), ...lines].join('\n')}\n`)
  return file
}

/** The change to the loop: whatever the router chose, the first attempt goes to `model`. */
function forceFirstModel(model: string): void {
  const route = TaskRun.prototype.route
  vi.spyOn(TaskRun.prototype, 'route').mockImplementation(function (this: TaskRun) {
    const d = route.call(this)
    d.selected = model
    ;(this as unknown as {nextModel: {name: string; because: string}}).nextModel = {name: model, because: 'the test changed the loop'}
    return d
  })
}

async function oneTask(): Promise<string[]> {
  const models = MODELS.map((name) => testModel({name}))
  const config = resolveConfig([{kind: 'user', source: 'test', data: {cto_model: 'cheap'}} as never], {models, plugins: [], broken: [], notices: []} as never, {}).config
  const engine = async (req: EngineRequest): Promise<EngineResult> => {
    const base = {usage: {input_tokens: 10, output_tokens: 5}, cost_usd: 0.001, duration_ms: 1, turns: 1, tool_calls: []}
    if (req.system?.startsWith('You are the CTO reviewing')) return {...base, ok: true, text: JSON.stringify({approved: true, quality: 8, feedback: 'ok'})}
    return {...base, ok: true, text: 'an answer'}
  }
  const run = new TaskRun({task: 'explain the CAP theorem', config, models, perf: new MemoryPerfStore(), runEngine: engine, random: randomFromSeed(1), workspace: '/project', flags: {model: 'cheap', type: 'research', complexity: 'simple'}})
  await run.classify()
  run.route()
  while (run.pending) await run.attempt()
  return run.result().attempts.map((a) => a.model)
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('one loop for cto task and the replay', () => {
  it('a change to TaskRun changes what the replay does, as it changes a task', async () => {
    const file = await fixture()
    // The CTO's pick (dear, an external model) stands: the replay's first picks are all dear.
    const before = await runReplay({files: [file], seed: 1, ctoModel: 'cheap', ctoChoice: 'dear'})
    expect(before.all.result.first_picks).toEqual({dear: before.all.result.rows})
    expect(await oneTask()).toEqual(['cheap'])

    forceFirstModel('mid')
    const after = await runReplay({files: [file], seed: 1, ctoModel: 'cheap', ctoChoice: 'dear'})
    expect(after.all.result.first_picks).toEqual({mid: after.all.result.rows})
    expect(await oneTask()).toEqual(['mid'])

    vi.restoreAllMocks()
    expect(await oneTask()).toEqual(['cheap'])
  })

  it("prices the CTO's calls from the prompts the loop really builds", async () => {
    const file = await fixture()
    const r = await runReplay({files: [file], seed: 2, ctoModel: 'mid'})
    // One classification per row and one review per answer, as cto task makes them.
    expect(r.all.result.cto_calls).toBe(r.all.result.rows + Object.values(r.all.result.calls).reduce((a, b) => a + b, 0))
    expect(r.all.result.cto_cost_usd).toBeGreaterThan(0)
  })
})
