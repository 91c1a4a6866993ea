/**
 * Issue 14 phase B: what the router learns about cascades lives in the performance store. Every
 * recorded attempt is folded into it with its position in the task (which models failed before
 * it, from the record or, for records written before the field, from the store's recent-task
 * window), committed with the totals, rebuilt from the raw attempts by a repair, and read by the
 * next process that routes.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {rm} from 'node:fs/promises'
import {dirname} from 'node:path'

import {MemoryCascadeStats, cascadeStateFromJson} from '../../src/core/router/cascade-stats.js'
import {openStore} from '../../src/core/store/perf-store.js'
import type {AttemptRecord, PerfStore} from '../../src/core/store/types.js'
import {tempStoreDir} from './helpers.js'

let dir: string
let store: PerfStore | undefined
afterEach(async () => {
  await store?.close()
  store = undefined
  if (dir) await rm(dirname(dir), {recursive: true, force: true})
})

const attempt = (task: string, step: number, model: string, approved: boolean, extra: Partial<AttemptRecord> = {}): AttemptRecord => ({
  time: new Date(Date.UTC(2026, 10, 1, 12, step)).toISOString(),
  task_id: task,
  task_hash: task,
  task_excerpt: task,
  task_type: 'coding',
  complexity: 'simple',
  cto_choice: 'cheap',
  model,
  group: 'external',
  engine: 'openai-tools',
  success: true,
  approved,
  escalation_step: step,
  input_tokens: 10,
  output_tokens: 5,
  cost_usd: model === 'cheap' ? 0.001 : 0.01,
  duration_ms: 5,
  ...extra,
})

describe('the learned cascade state in the store', () => {
  it('folds each attempt with what failed before it, survives a reopen, and the next process routes with it', async () => {
    dir = await tempStoreDir()
    store = await openStore({dir})
    expect(store.cascade()).toBeNull()
    for (let t = 0; t < 5; t++) {
      await store.record(attempt(`t${t}`, 0, 'cheap', false, {failed_before: [], features: [1, 2, 3]}))
      await store.record(attempt(`t${t}`, 1, 'dear', true, {failed_before: ['cheap'], features: [1, 2, 3]}))
    }
    await store.close()
    store = await openStore({dir})
    const json = store.cascade()
    expect(json?.observations).toBe(10)
    const learned = new MemoryCascadeStats({state: cascadeStateFromJson(json!)})
    expect(learned.position('coding', 'cheap', 'first')).toMatchObject({attempts: 5, successes: 0})
    expect(learned.afterModel('coding', 'dear', 'cheap')).toMatchObject({attempts: 5, successes: 5})
    expect(learned.position('coding', 'dear', 'after')).toMatchObject({attempts: 5, successes: 5})
  })

  it('records written before the field get their position from the recent-task window', async () => {
    dir = await tempStoreDir()
    store = await openStore({dir})
    await store.record(attempt('old', 0, 'cheap', false))
    await store.record(attempt('old', 1, 'mid', false))
    await store.record(attempt('old', 2, 'dear', true))
    const learned = new MemoryCascadeStats({state: cascadeStateFromJson(store.cascade()!)})
    expect(learned.afterModel('coding', 'mid', 'cheap')).toMatchObject({attempts: 1, successes: 0})
    expect(learned.afterSet('coding', 'dear', ['cheap', 'mid'])).toMatchObject({attempts: 1, successes: 1})
  })

  it('rebuilt from the raw attempts (export, reset, import) it is the same as it was', async () => {
    dir = await tempStoreDir()
    store = await openStore({dir})
    for (let t = 0; t < 4; t++) {
      await store.record(attempt(`t${t}`, 0, 'cheap', t % 2 === 0, {failed_before: [], features: [7]}))
      if (t % 2 === 1) await store.record(attempt(`t${t}`, 1, 'dear', true, {failed_before: ['cheap'], features: [7]}))
    }
    const before = JSON.stringify(store.cascade())
    const checked = await store.check({repair: true})
    expect(checked.problems).toEqual([])
    await store.refresh()
    // Rebuilt from the raw attempts: export, reset, import folds them again, in the same order.
    const out = `${dir}.jsonl`
    await store.export('jsonl', out)
    await store.reset({backup: false})
    expect(store.cascade()?.observations ?? 0).toBe(0)
    await store.import(out)
    expect(JSON.stringify(store.cascade())).toBe(before)
  })
})
