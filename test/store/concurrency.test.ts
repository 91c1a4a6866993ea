import {readdir} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import {readRawAttempts, runWriter, statsMismatches, tempStoreDir} from './helpers.js'

describe('many cto processes writing at once', () => {
  it('20 processes × 50 attempts: all 1,000 are kept and the totals agree with the raw records', async () => {
    const dir = await tempStoreDir()
    const results = await Promise.all(Array.from({length: 20}, (_, w) => runWriter(dir, w, 50)))
    for (const r of results) expect(r.code, r.stderr).toBe(0)

    const raw = await readRawAttempts(dir)
    expect(raw).toHaveLength(1000)
    expect(new Set(raw.map((r) => `${r.task_id}#${r.escalation_step}`)).size).toBe(1000)
    // The writers use 64 KiB segments, so this also covered starting new segments under contention.
    expect((await readdir(join(dir, 'segments'))).length).toBeGreaterThan(3)

    const warnings: string[] = []
    const store = await openStore({dir, onWarning: (m) => warnings.push(m), clock: () => new Date(raw[0].time)})
    expect(warnings).toEqual([])
    expect(store.info().attempts).toBe(1000)
    expect(statsMismatches(store, raw)).toEqual([])

    const summary = await store.summary()
    expect(summary.source).toBe('aggregates')
    expect(summary.models.reduce((a, r) => a + r.attempts, 0)).toBe(1000)
    for (const row of summary.models) {
      const mine = raw.filter((r) => r.model === row.model)
      expect(row.attempts).toBe(mine.length)
      expect(row.success_rate).toBeCloseTo(mine.filter((r) => r.approved ?? r.success).length / mine.length, 9)
    }

    const day = (group: string) => raw.filter((r) => r.group === group).reduce((a, r) => a + r.input_tokens + r.output_tokens, 0)
    expect(store.tokensToday('claude')).toBe(day('claude'))
    expect(store.tokensToday('external')).toBe(day('external'))

    // A fresh fold over the raw records (the --since path) gives the same rows as the running totals.
    const scanned = await store.summary({since: new Date(0)})
    expect(scanned.source).toBe('records')
    expect(scanned.models).toEqual(summary.models)
  }, 180_000)
})
