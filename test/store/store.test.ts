import {readdir, readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {openStore, storeDir} from '../../src/core/store/perf-store.js'
import {parseSince} from '../../src/core/store/since.js'
import {makeAttempt} from './fixtures/attempts.js'
import {readRawAttempts, statsMismatches, tempStoreDir} from './helpers.js'

describe('performance store', () => {
  it('lives in <CTO_DATA_DIR or XDG_DATA_HOME/cto>/perf, and creates nothing until the first write', async () => {
    expect(storeDir({CTO_DATA_DIR: '/d'})).toBe('/d/perf')
    expect(storeDir({XDG_DATA_HOME: '/x', HOME: '/h'})).toBe('/x/cto/perf')
    expect(storeDir({HOME: '/h'})).toBe('/h/.local/share/cto/perf')
    const root = dirname(await tempStoreDir())
    const store = await openStore({env: {CTO_DATA_DIR: root}})
    expect(store.path).toBe(join(root, 'perf'))
    expect(await readdir(root)).toEqual([])
    const summary = await store.summary()
    expect(summary).toMatchObject({empty: true, models: [], source: 'aggregates'})
    await store.record(makeAttempt(0, 0))
    expect((await readdir(join(root, 'perf'))).sort()).toEqual(['aggregates.json', 'segments'])
  })

  it('counts per model and per model × task type, distinct tasks and escalations', async () => {
    const dir = await tempStoreDir()
    const store = await openStore({dir})
    const base = makeAttempt(0, 0)
    await store.recordMany([
      {...base, task_id: 't1', model: 'deepseek', escalation_step: 0, success: false, approved: false, quality: 2},
      {...base, task_id: 't1', model: 'deepseek', escalation_step: 1, success: true, approved: false, quality: 4},
      {...base, task_id: 't1', model: 'sonnet', group: 'claude', escalation_step: 2, success: true, approved: true, quality: 9},
      {...base, task_id: 't2', model: 'deepseek', task_type: 'email', escalation_step: 0, success: true, approved: undefined, quality: undefined},
    ])
    expect(store.stats('deepseek')).toMatchObject({attempts: 3, tasks: 2, successes: 1, escalations: 2, quality_count: 2, quality_sum: 6})
    expect(store.stats('deepseek', 'email')).toMatchObject({attempts: 1, tasks: 1, successes: 1, escalations: 0})
    expect(store.stats('sonnet')).toMatchObject({attempts: 1, tasks: 1, successes: 1, escalations: 0})
    expect(store.stats('nobody')).toMatchObject({attempts: 0, tasks: 0})
    expect(statsMismatches(store, await readRawAttempts(dir))).toEqual([])
  })

  it('rejects an invalid attempt and writes nothing', async () => {
    const dir = await tempStoreDir()
    const store = await openStore({dir})
    const good = makeAttempt(0, 0)
    await expect(store.recordMany([good, {...good, quality: 11}])).rejects.toMatchObject({
      code: 'PERF_RECORD_INVALID',
      message: expect.stringContaining('Attempt 2 is not a valid record (quality:'),
    })
    expect(store.info().attempts).toBe(0)
  })

  it("tokensToday counts today's local date per group; a new day starts at 0", async () => {
    const dir = await tempStoreDir()
    let now = new Date(2025, 4, 10, 23, 0)
    const store = await openStore({dir, clock: () => now})
    const a = {...makeAttempt(0, 0), time: now.toISOString(), input_tokens: 100, output_tokens: 20}
    await store.record({...a, group: 'claude', model: 'haiku', engine: 'claude-cli'})
    await store.record({...a, group: 'external'})
    await store.record({...a, group: 'external', task_id: 'x'})
    expect(store.tokensToday('claude')).toBe(120)
    expect(store.tokensToday('external')).toBe(240)
    now = new Date(2025, 4, 11, 0, 30)
    expect(store.tokensToday('external')).toBe(0)
    await store.record({...a, time: now.toISOString(), input_tokens: 5, output_tokens: 5})
    expect(store.tokensToday('external')).toBe(10)
    // Another process sees the same after opening.
    expect((await openStore({dir, clock: () => now})).tokensToday('external')).toBe(10)
  })

  it('summary: --type, --model with recent attempts, --since over raw records', async () => {
    const dir = await tempStoreDir()
    const store = await openStore({dir})
    for (let i = 0; i < 40; i++) await store.record({...makeAttempt(0, i), time: new Date(Date.UTC(2025, 0, 1 + i)).toISOString()})
    const raw = await readRawAttempts(dir)

    const byType = await store.summary({type: 'coding'})
    const coding = raw.filter((r) => r.task_type === 'coding')
    expect(byType.totals.attempts).toBe(coding.length)
    expect(byType.models.every((r) => r.task_type === undefined)).toBe(true)

    const one = await store.summary({model: 'kimi', recent: 3})
    const kimi = raw.filter((r) => r.model === 'kimi')
    expect(one.models).toHaveLength(1)
    expect(one.by_type?.reduce((a, r) => a + r.attempts, 0)).toBe(kimi.length)
    expect(one.recent?.map((r) => r.time)).toEqual(kimi.slice(-3).reverse().map((r) => r.time))

    const since = new Date(Date.UTC(2025, 0, 31))
    const recent = await store.summary({since})
    expect(recent.source).toBe('records')
    expect(recent.filters.since).toBe(since.toISOString())
    expect(recent.totals.attempts).toBe(raw.filter((r) => r.time >= since.toISOString()).length)
    expect(recent.totals.attempts).toBe(10)
  })

  it('starts new segments at the size limit and keeps counting across them', async () => {
    const dir = await tempStoreDir()
    const store = await openStore({dir, segmentBytes: 2000})
    for (let i = 0; i < 20; i++) await store.record(makeAttempt(1, i))
    await store.recordMany(Array.from({length: 20}, (_, i) => makeAttempt(2, i)))
    const segments = await readdir(join(dir, 'segments'))
    expect(segments.length).toBeGreaterThan(5)
    const raw = await readRawAttempts(dir)
    expect(raw).toHaveLength(40)
    expect(store.info()).toMatchObject({attempts: 40, segments: segments.length})
    expect(statsMismatches(store, raw)).toEqual([])
    // --since skips whole old segments but still finds everything newer.
    expect((await store.summary({since: new Date(raw[25].time)})).totals.attempts).toBe(raw.filter((r) => r.time >= raw[25].time).length)
  })

  it('reset keeps a backup by default and leaves an empty store that takes writes', async () => {
    const dir = await tempStoreDir()
    const store = await openStore({dir, clock: () => new Date('2025-03-01T08:00:00Z')})
    for (let i = 0; i < 5; i++) await store.record(makeAttempt(0, i))
    const result = await store.reset()
    expect(result).toMatchObject({attempts: 5, baselines: 0})
    expect(result.backup).toMatch(/perf\.reset-2025-03-01T08-00-00-000Z-\d+$/)
    expect((await readdir(join(result.backup as string, 'segments'))).length).toBe(1)
    expect(JSON.parse(await readFile(join(result.backup as string, 'aggregates.json'), 'utf8')).totals.attempts).toBe(5)
    expect(store.info().attempts).toBe(0)
    expect((await store.summary()).empty).toBe(true)
    // The emptied store takes writes, and a fresh open sees them.
    await store.record(makeAttempt(0, 9))
    expect((await openStore({dir})).info().attempts).toBe(1)

    const gone = await store.reset({backup: false})
    expect(gone.backup).toBeUndefined()
    expect((await openStore({dir})).info().attempts).toBe(0)
  })

  it('parses --since durations and dates', () => {
    const now = new Date('2025-06-10T12:00:00Z')
    expect(parseSince('7d', now).toISOString()).toBe('2025-06-03T12:00:00.000Z')
    expect(parseSince('12h', now).toISOString()).toBe('2025-06-10T00:00:00.000Z')
    expect(parseSince('2025-06-01', now).getDate()).toBe(1)
    expect(() => parseSince('last tuesday', now)).toThrow(/Cannot read --since "last tuesday"/)
  })
})
