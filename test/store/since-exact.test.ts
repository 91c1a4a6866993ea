/**
 * `cto perf --since` reads only the recent segments, and inside them only the recent lines
 * (since-scan.ts). Its answer must be exactly the one a full scan gives: every committed line read
 * by an independent reader (helpers.ts readRawRecords, zlib crc32), the attempts at or after the
 * time kept, in append order, folded. Random stores (small segments, attempts out of time order,
 * an import appended late with old times, a baseline, non-ASCII and escaped strings, optional
 * fields) and random windows: cutting through hours, on exact attempt times, on hour boundaries,
 * before the first and after the last attempt.
 */
import {writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {TASK_TYPES} from '../../src/core/providers/spec.js'
import {emptyAggregates, foldLine} from '../../src/core/store/aggregates.js'
import {openStore} from '../../src/core/store/perf-store.js'
import {summaryRows} from '../../src/core/store/perf-summary.js'
import type {StoreLine} from '../../src/core/store/store-line.js'
import type {AttemptRecord} from '../../src/core/store/types.js'
import {readRawRecords, tally, tempStoreDir} from './helpers.js'

/** mulberry32: the same data for a seed, so a failure can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]}
}

const MODELS = ['deepseek', 'kimi', 'sonnet', 'modèle-é', 'we"ird', 'back\\slash', 'haiku'] as const
const EXCERPTS = ['plain text', 'braces { "time": "x" } and "quotes"', 'unicode — ü ✓ 漢字', 'a\nnewline\tand \\ backslash', '","model":"fake","group":"claude"', '']
const HOUR = 3_600_000

function randomAttempts(seed: number, count: number, start: number): AttemptRecord[] {
  const r = rng(seed)
  const out: AttemptRecord[] = []
  let t = start
  for (let task = 0; out.length < count; task++) {
    t += r.int(6 * 60_000)
    // One task in twenty is recorded late with a time hours earlier: append order is not time order.
    const base = r.int(20) === 0 ? t - r.int(5 * HOUR) : t
    const steps = 1 + r.int(3)
    const type = r.pick(TASK_TYPES)
    for (let step = 0; step < steps; step++) {
      const model = r.pick(MODELS)
      const reviewed = r.int(3) !== 0
      out.push({
        time: new Date(base + step * r.int(20 * 60_000) + r.int(1000)).toISOString(),
        task_id: r.int(10) === 0 ? `t"${seed}-${task}\\é` : `t-${seed}-${task}`,
        task_hash: task.toString(16).padStart(16, '0'),
        task_excerpt: r.pick(EXCERPTS),
        task_type: type,
        complexity: 'moderate',
        cto_choice: 'deepseek',
        model,
        group: r.int(2) === 0 ? 'claude' : 'external',
        ...(step > 0 && r.int(2) === 0 ? {override_reason: 'escalated, "twice"'} : {}),
        engine: 'openai-tools',
        success: r.int(3) !== 0,
        ...(reviewed ? {approved: r.int(2) === 0} : {}),
        ...(reviewed && r.int(4) !== 0 ? {quality: r.int(4) === 0 ? 1.5 + r.int(9) : 1 + r.int(10)} : {}),
        escalation_step: step,
        input_tokens: r.int(5000),
        output_tokens: r.int(2000),
        cost_usd: r.next() * 0.05,
        duration_ms: r.int(4) === 0 ? r.next() * 9000 : r.int(90_000),
        ...(step > 0 ? {failed_before: [model, 'we"ird']} : {}),
        ...(r.int(3) === 0 ? {features: [r.int(1000), r.int(1000)]} : {}),
        ...(r.int(3) === 0 ? {verify_command: 'npm test -- "x"', verify_exit_code: 0, verify_passed: r.int(2) === 0} : {}),
        ...(r.int(4) === 0 ? {attempt_id: `a-${task}-${step}`, user: 'ü@host'} : {}),
      })
    }
  }
  return out
}

/** The full scan: every committed line (read without the store's code), attempts at or after `since`, folded in append order. */
function reference(lines: Array<Record<string, unknown>>, sinceIso: string) {
  const doc = emptyAggregates()
  const attempts: AttemptRecord[] = []
  for (const line of lines) {
    if ('kind' in line) continue
    const a = line as unknown as AttemptRecord
    if (a.time < sinceIso) continue
    foldLine(doc, line as unknown as StoreLine)
    attempts.push(a)
  }
  return {doc, attempts}
}

describe('--since against a full scan', () => {
  it('gives exactly the full scan’s answer on random stores and random windows', {timeout: 120_000}, async () => {
    // Seeds 1–3: segments of ~20 lines; seed 4: the default 4 MiB, so one segment spans several 1 MiB reads.
    for (const [seed, count, segmentBytes] of [[1, 900, 12_000], [2, 900, 12_000], [3, 900, 12_000], [4, 2500, undefined]] as const) {
      const dir = await tempStoreDir()
      const warnings: string[] = []
      const store = await openStore({dir, segmentBytes, onWarning: (m) => warnings.push(m)})
      const start = Date.UTC(2026, 2, 1, 7, 13)
      const attempts = randomAttempts(seed, count, start)
      const one = attempts.length - 3
      for (let i = 0; i < one; i += 50) await store.recordMany(attempts.slice(i, Math.min(i + 50, one)))
      for (const a of attempts.slice(one)) await store.record(a)
      // An import appended last: older times, and a baseline (not an attempt: never in a --since answer).
      const file = join(dirname(dir), 'import.jsonl')
      const old = randomAttempts(seed + 100, 60, start - 2 * HOUR)
      const baseline = {kind: 'baseline', source: 'model_performance.json', source_sha256: 'a'.repeat(64), imported_at: new Date(start).toISOString(), model: 'kimi', stats: {attempts: 3, successes: 1, quality_count: 0, quality_sum: 0, input_tokens: 9, output_tokens: 9, cost_usd: 0.5, duration_ms: 10, escalations: 0, tasks: 2}}
      await writeFile(file, [...old.slice(0, 30), baseline, ...old.slice(30)].map((x) => JSON.stringify(x)).join('\n') + '\n')
      expect(await store.import(file)).toMatchObject({attempts_added: old.length, baselines_added: 1})
      await store.refresh()

      const lines = await readRawRecords(dir)
      expect(lines.filter((l) => !('kind' in l))).toHaveLength(attempts.length + old.length)
      const times = lines.filter((l) => !('kind' in l)).map((l) => String(l.time)).sort()
      const first = Date.parse(times[0])
      const last = Date.parse(times.at(-1) as string)
      const r = rng(seed * 7919)
      const windows: number[] = [first - HOUR, first, last, last + 1, Math.ceil(first / HOUR) * HOUR, Math.floor(last / HOUR) * HOUR]
      for (let i = 0; i < 12; i++) windows.push(first + Math.floor(r.next() * (last - first))) // cut through hours
      for (let i = 0; i < 6; i++) windows.push(Date.parse(r.pick(times))) // on an attempt's time
      for (let i = 0; i < 4; i++) windows.push(Math.floor((first + r.next() * (last - first)) / HOUR) * HOUR) // on an hour

      for (const at of windows) {
        const since = new Date(at)
        const ref = reference(lines, since.toISOString())
        const got = await store.summary({since})
        const context = `seed ${seed}, since ${since.toISOString()} (${ref.attempts.length} attempts)`
        expect(got.models, context).toEqual(summaryRows(ref.doc, {}).models)
        expect(got.totals, context).toEqual(summaryRows(ref.doc, {}).totals)
        const type = TASK_TYPES[at % TASK_TYPES.length]
        expect((await store.summary({since, type})).models, context).toEqual(summaryRows(ref.doc, {type}).models)
        const b = await store.breakdown({since})
        expect({by: b.by_model_type, first: b.first_served, esc: b.escalations}, context).toEqual({by: ref.doc.model_types, first: ref.doc.routes?.first, esc: ref.doc.routes?.escalations})
        // And against a tally written without the store's fold (no 512-task window, no code shared).
        const counted = tally(ref.attempts)
        const rows = [...got.models.map((row) => [row.model, row] as const), ...(await store.summary({since, type})).models.map((row) => [`${row.model}|${type}`, row] as const)]
        for (const [key, row] of rows) {
          const t = counted.get(key)
          expect({key, attempts: row.attempts, tasks: row.tasks, cost: row.total_cost_usd}, context).toEqual({key, attempts: t?.attempts, tasks: t?.tasks, cost: t?.cost_usd})
        }
      }
      expect(warnings).toEqual([])
    }
  })

  it('a damaged line inside the window is reported and left out; older lines are not read, as before', async () => {
    const dir = await tempStoreDir()
    const warnings: string[] = []
    const store = await openStore({dir, segmentBytes: 12_000, onWarning: (m) => warnings.push(m)})
    const start = Date.UTC(2026, 2, 1, 7, 13)
    const attempts = randomAttempts(9, 120, start)
      .slice(0, 120)
      .map((a, i) => ({...a, time: new Date(start + i * 60_000).toISOString()}))
    await store.recordMany(attempts)
    const since = new Date(start + 60 * 60_000)
    expect((await store.summary({since})).totals.attempts).toBe(60)
    const {readdir, readFile} = await import('node:fs/promises')
    // Change one digit of input_tokens (same length, still JSON) in the lines of attempts 90 (a segment
    // wholly in the window), 60 (the first in the window) and 59 and 10 (before it: not checksummed or not opened).
    const damaged: string[] = []
    for (const name of (await readdir(join(dir, 'segments'))).sort()) {
      const file = join(dir, 'segments', name)
      const lines = (await readFile(file, 'latin1')).split('\n')
      for (const [n, line] of lines.entries()) {
        const i = attempts.findIndex((a) => line.includes(`"time":"${a.time}"`))
        if (![90, 60, 59, 10].includes(i)) continue
        lines[n] = line.replace(/"input_tokens":(\d)/, (_m, d: string) => `"input_tokens":${(Number(d) + 1) % 10}`)
        if (i === 90 || i === 60) damaged.push(`segment ${name} line ${n + 1} `)
      }
      await writeFile(file, lines.join('\n'), 'latin1')
    }
    expect(damaged).toHaveLength(2)
    const got = await (await openStore({dir, onWarning: (m) => warnings.push(m)})).summary({since})
    expect(got.totals.attempts).toBe(58)
    expect(warnings).toHaveLength(1)
    for (const d of damaged) expect(warnings[0]).toContain(d)
    expect(warnings[0].match(/checksum mismatch/g)).toHaveLength(2)
    expect(warnings[0]).toMatch(/cto perf check --repair/)
  })
})
