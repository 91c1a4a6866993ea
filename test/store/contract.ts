/**
 * The performance store's contract: what every implementation of PerfStore (src/core/store/
 * types.ts) must do, as tests a user of the store would recognise. The file store runs it in
 * file-store.contract.test.ts; the PostgreSQL store (issue 16) runs the same function with its
 * own factory. Faults that only files have (torn tails, fsync, a directory where a file should
 * be) are tested separately, against the file store.
 *
 * Usage: perfStoreContract('files', async ({clock}) => ({store, reopen, tmp})).
 */
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import type {AttemptRecord, PerfStats, PerfStore} from '../../src/core/store/types.js'
import {cascadeStateToJson, emptyCascadeState, foldCascade, observationFromAttempt} from '../../src/core/router/cascade-stats.js'
import {makeAttempt} from './fixtures/attempts.js'
import {tally} from './helpers.js'

export interface ContractHandle {
  store: PerfStore
  /** A second, independent handle on the same store (another process would open one). */
  reopen(): Promise<PerfStore>
  /** A folder for export files. */
  tmp: string
}

export type ContractFactory = (opts: {clock?: () => Date}) => Promise<ContractHandle>

const legacyFixture = fileURLToPath(new URL('./fixtures/model_performance.json', import.meta.url))

/** Stats mismatches between a store and an exact tally of the attempts it was given. */
function mismatches(store: PerfStore, records: AttemptRecord[]): string[] {
  const problems: string[] = []
  for (const [key, want] of tally(records)) {
    const [model, type] = key.split('|')
    const got = store.stats(model, type as never)
    for (const [f, v] of Object.entries(want)) {
      if (Math.abs((got[f as keyof typeof got] ?? 0) - v) > 1e-6) problems.push(`${key}.${f}: store ${got[f as keyof typeof got]}, expected ${v}`)
    }
  }
  return problems
}

async function seeded(open: ContractFactory, count: number, clock?: () => Date) {
  const h = await open({clock})
  const records = Array.from({length: count}, (_, i) => makeAttempt(i % 3, i))
  if (count > 0) await h.store.recordMany(records)
  return {...h, records}
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '')

export function perfStoreContract(name: string, open: ContractFactory): void {
  describe(`PerfStore contract: ${name}`, () => {
    describe('recording and reading', () => {
      it('an empty store reads as empty, and its exports import back as nothing', async () => {
        const {store, tmp} = await open({})
        expect(store.info()).toMatchObject({attempts: 0, baselines: 0, models: 0})
        expect(await store.summary()).toMatchObject({empty: true, models: [], source: 'aggregates', health: {stale: false}})
        expect(store.stats('deepseek').attempts).toBe(0)
        const jsonl = join(tmp, 'empty.jsonl')
        const csv = join(tmp, 'empty.csv')
        expect(await store.export('jsonl', jsonl)).toMatchObject({attempts: 0, baselines: 0})
        expect(await readFile(jsonl, 'utf8')).toBe('')
        await store.export('csv', csv)
        expect(lines(await readFile(csv, 'utf8'))).toHaveLength(1)
        const other = await open({})
        expect(await other.store.import(jsonl)).toMatchObject({format: 'jsonl', attempts_added: 0})
        expect(await other.store.import(csv)).toMatchObject({format: 'csv', attempts_added: 0})
        expect(other.store.info().attempts).toBe(0)
      })

      it('counts per model and per model × task type, distinct tasks and escalations', async () => {
        const {store} = await open({})
        const base = makeAttempt(0, 0)
        const attempts = [
          {...base, task_id: 't1', model: 'deepseek', escalation_step: 0, success: false, approved: false, quality: 2},
          {...base, task_id: 't1', model: 'deepseek', escalation_step: 1, success: true, approved: false, quality: 4},
          {...base, task_id: 't1', model: 'sonnet', group: 'claude' as const, escalation_step: 2, success: true, approved: true, quality: 9},
          {...base, task_id: 't2', model: 'deepseek', task_type: 'email' as const, escalation_step: 0, success: true, approved: undefined, quality: undefined},
        ]
        await store.recordMany(attempts)
        expect(store.stats('deepseek')).toMatchObject({attempts: 3, tasks: 2, successes: 1, escalations: 2, quality_count: 2, quality_sum: 6})
        expect(store.stats('deepseek', 'email')).toMatchObject({attempts: 1, tasks: 1, successes: 1, escalations: 0})
        expect(store.stats('sonnet')).toMatchObject({attempts: 1, tasks: 1, successes: 1, escalations: 0})
        expect(store.stats('nobody')).toMatchObject({attempts: 0, tasks: 0})
      })

      it('many attempts: the totals equal an exact tally of what was recorded, also after reopening', async () => {
        const {store, reopen, records} = await seeded(open, 90)
        for (let i = 90; i < 100; i++) {
          const a = makeAttempt(1, i)
          await store.record(a)
          records.push(a)
        }
        expect(store.info().attempts).toBe(100)
        expect(mismatches(store, records)).toEqual([])
        const again = await reopen()
        expect(again.info().attempts).toBe(100)
        expect(mismatches(again, records)).toEqual([])
      })

      it('rejects an invalid attempt and writes nothing (recordMany is all or nothing)', async () => {
        const {store} = await open({})
        const good = makeAttempt(0, 0)
        await expect(store.recordMany([good, {...good, quality: 11}])).rejects.toMatchObject({
          code: 'PERF_RECORD_INVALID',
          message: expect.stringContaining('Attempt 2 is not a valid record (quality:'),
        })
        await expect(store.record({...good, cost_usd: Number.POSITIVE_INFINITY})).rejects.toMatchObject({code: 'PERF_RECORD_INVALID'})
        expect(store.info().attempts).toBe(0)
      })

      it("tokensToday counts today's local date per group; a new day starts at 0; another handle agrees", async () => {
        let now = new Date(2025, 4, 10, 23, 0)
        const {store, reopen} = await open({clock: () => now})
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
        expect((await reopen()).tokensToday('external')).toBe(10)
      })

      it('summary: --type, --model with recent attempts newest first, --since over raw attempts', async () => {
        const {store} = await open({})
        const raw = Array.from({length: 40}, (_, i) => ({...makeAttempt(0, i), time: new Date(Date.UTC(2025, 0, 1 + i)).toISOString()}))
        for (const a of raw) await store.record(a)

        const byType = await store.summary({type: 'coding'})
        expect(byType.totals.attempts).toBe(raw.filter((r) => r.task_type === 'coding').length)

        const one = await store.summary({model: 'kimi', recent: 3})
        const kimi = raw.filter((r) => r.model === 'kimi')
        expect(one.models).toHaveLength(1)
        expect(one.by_type?.reduce((a, r) => a + r.attempts, 0)).toBe(kimi.length)
        expect(one.recent?.map((r) => r.time)).toEqual(kimi.slice(-3).reverse().map((r) => r.time))
        expect(await store.recent('nosuch')).toEqual([])

        const since = new Date(Date.UTC(2025, 0, 31))
        const recent = await store.summary({since})
        expect(recent).toMatchObject({source: 'records', filters: {since: since.toISOString()}, totals: {attempts: 10}})
        // A fresh fold over every raw attempt gives the running totals' rows.
        expect((await store.summary({since: new Date(0)})).models).toEqual((await store.summary()).models)
      })

      it('daily rollups: attempts, successes and cost per day per model, tokens per day per budget group', async () => {
        const {store} = await open({})
        const raw = Array.from({length: 30}, (_, i) => ({...makeAttempt(i % 2, i), time: new Date(2025, 1, 1 + (i % 5), 12).toISOString()}))
        await store.recordMany(raw)
        const days = await store.dailyRollups()
        const pad = (n: number) => String(n).padStart(2, '0')
        for (const r of raw) {
          const d = new Date(r.time)
          const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
          expect(days[date], date).toBeDefined()
        }
        const sum = (f: (r: AttemptRecord) => number) => raw.reduce((a, r) => a + f(r), 0)
        const all = Object.values(days)
        expect(all.reduce((a, d) => a + Object.values(d.models).reduce((b, m) => b + m.attempts, 0), 0)).toBe(30)
        expect(all.reduce((a, d) => a + Object.values(d.models).reduce((b, m) => b + m.cost_usd, 0), 0)).toBeCloseTo(sum((r) => r.cost_usd), 9)
        expect(all.reduce((a, d) => a + d.groups.claude, 0)).toBe(sum((r) => (r.group === 'claude' ? r.input_tokens + r.output_tokens : 0)))
        const deepseekDay1 = raw.filter((r) => r.model === 'deepseek' && new Date(r.time).getDate() === 1)
        expect(days['2025-02-01']?.models.deepseek?.attempts ?? 0).toBe(deepseekDay1.length)
      })

      it('breakdown: per model × task type, first-served per model and escalations as failed → next model, per type', async () => {
        const {store, reopen} = await open({})
        const base = {...makeAttempt(0, 0), approved: undefined, quality: undefined, error_class: undefined}
        const at = (day: number) => new Date(Date.UTC(2025, 2, day, 12)).toISOString()
        const attempts: AttemptRecord[] = [
          // t1 (coding): deepseek fails, deepseek again fails, sonnet serves it
          {...base, time: at(1), task_id: 't1', task_type: 'coding', model: 'deepseek', escalation_step: 0, success: false},
          {...base, time: at(1), task_id: 't1', task_type: 'coding', model: 'deepseek', escalation_step: 1, success: false},
          {...base, time: at(1), task_id: 't1', task_type: 'coding', model: 'sonnet', group: 'claude', escalation_step: 2, success: true},
          // t2 (coding): kimi fails, sonnet serves it
          {...base, time: at(2), task_id: 't2', task_type: 'coding', model: 'kimi', escalation_step: 0, success: false},
          {...base, time: at(2), task_id: 't2', task_type: 'coding', model: 'sonnet', group: 'claude', escalation_step: 1, success: true, quality: 8, approved: true},
          // t3 (email): deepseek serves it first time
          {...base, time: at(3), task_id: 't3', task_type: 'email', model: 'deepseek', escalation_step: 0, success: true, quality: 6, approved: true},
        ]
        await store.recordMany(attempts)
        const b = await store.breakdown()
        expect(b.source).toBe('aggregates')
        expect(b.first_served).toEqual({coding: {deepseek: 1, kimi: 1}, email: {deepseek: 1}})
        expect(b.escalations).toEqual({coding: {deepseek: {deepseek: 1, sonnet: 1}, kimi: {sonnet: 1}}})
        expect(b.by_model_type.sonnet?.coding).toMatchObject({attempts: 2, successes: 2, quality_count: 1, quality_sum: 8, tasks: 2})
        expect(b.by_model_type.deepseek?.coding).toMatchObject({attempts: 2, successes: 0, escalations: 2, tasks: 1})
        expect(b.by_model_type.deepseek?.email).toMatchObject({attempts: 1, successes: 1})
        // Another handle reads the same; `since` folds only the attempts since then.
        expect(await (await reopen()).breakdown()).toEqual(b)
        const since = await store.breakdown({since: new Date(Date.UTC(2025, 2, 2))})
        expect(since.source).toBe('records')
        expect(since.first_served).toEqual({coding: {kimi: 1}, email: {deepseek: 1}})
        expect(since.escalations).toEqual({coding: {kimi: {sonnet: 1}}})
        expect(Object.keys(since.by_model_type).sort()).toEqual(['deepseek', 'kimi', 'sonnet'])
        expect((await store.breakdown({since: new Date(0)})).escalations).toEqual(b.escalations)
      })

      it('latest: the newest attempts of every model, newest first, by type and since; nothing from an empty store', async () => {
        const {store} = await open({})
        expect(await store.latest({limit: 5})).toEqual([])
        const raw = Array.from({length: 60}, (_, i) => ({...makeAttempt(0, i), time: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString()}))
        await store.recordMany(raw.slice(0, 30))
        for (const a of raw.slice(30)) await store.record(a)
        const newestFirst = [...raw].reverse()
        expect((await store.latest({limit: 7})).map((r) => r.time)).toEqual(newestFirst.slice(0, 7).map((r) => r.time))
        expect(await store.latest({limit: 100})).toHaveLength(60)
        expect((await store.latest({limit: 4, type: 'coding'})).map((r) => r.task_id)).toEqual(newestFirst.filter((r) => r.task_type === 'coding').slice(0, 4).map((r) => r.task_id))
        const since = new Date(Date.UTC(2025, 0, 1, 0, 50))
        expect((await store.latest({limit: 100, since})).map((r) => r.time)).toEqual(newestFirst.filter((r) => r.time >= since.toISOString()).map((r) => r.time))
        expect(await store.latest({limit: 0})).toEqual([])
      })

      it('verification counts, members per day and the router\'s learned state: the same on every store, also rebuilt after export → reset → import', async () => {
        const {store, reopen, tmp} = await open({})
        const base = {...makeAttempt(0, 0), approved: undefined, quality: undefined, error_class: undefined}
        const at = (day: number, min: number) => new Date(Date.UTC(2025, 3, day, 12, min)).toISOString()
        const attempts: AttemptRecord[] = [
          // t1: deepseek's change fails the tests, sonnet's passes (failed_before as cto task writes it).
          {...base, time: at(1, 0), task_id: 't1', task_type: 'coding', model: 'deepseek', escalation_step: 0, success: false, verify_passed: false, verify_command: 'npm test', verify_exit_code: 1, verify_duration_ms: 900, failed_before: [], features: [3, 17, 4095], user: 'alice@laptop'},
          {...base, time: at(1, 1), task_id: 't1', task_type: 'coding', model: 'sonnet', group: 'claude', escalation_step: 1, success: true, verify_passed: true, verify_command: 'npm test', verify_exit_code: 0, verify_duration_ms: 800, failed_before: ['deepseek'], features: [3, 17, 4095], user: 'alice@laptop'},
          // t2: no verification, another member.
          {...base, time: at(2, 0), task_id: 't2', task_type: 'research', model: 'kimi', escalation_step: 0, success: true, features: [8], user: 'bob@desk'},
          // t3: history from before failed_before and members: the failed models come from the task's earlier steps.
          {...base, time: at(2, 5), task_id: 't3', task_type: 'coding', model: 'haiku', group: 'claude', escalation_step: 0, success: false},
          {...base, time: at(2, 6), task_id: 't3', task_type: 'coding', model: 'sonnet', group: 'claude', escalation_step: 1, success: true},
        ]
        await store.recordMany(attempts)
        const verified = (st: PerfStats) => [st.verify_runs ?? 0, st.verify_passes ?? 0]
        expect(verified(store.stats('deepseek'))).toEqual([1, 0])
        expect(verified(store.stats('sonnet', 'coding'))).toEqual([1, 1])
        expect(store.stats('sonnet', 'coding').attempts).toBe(2)
        expect(store.stats('kimi').verify_runs ?? 0).toBe(0)
        const rows = (await store.summary()).models
        expect(rows.find((r) => r.model === 'deepseek')?.verify_pass_rate).toBe(0)
        expect(rows.find((r) => r.model === 'sonnet')?.verify_pass_rate).toBe(1)
        expect(rows.find((r) => r.model === 'kimi')?.verify_pass_rate).toBeNull()

        const days = await store.dailyRollups()
        const localDay = (iso: string) => {
          const d = new Date(iso)
          return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
        }
        expect(days[localDay(at(1, 0))]?.users?.['alice@laptop']).toMatchObject({attempts: 2, successes: 1})
        expect(days[localDay(at(2, 0))]?.users).toEqual({'bob@desk': expect.objectContaining({attempts: 1, successes: 1})})

        // The learned state: what folding the attempts in order gives, with t3's failed model found from its first step.
        const expected = emptyCascadeState()
        const failed = [[], ['deepseek'], [], [], ['haiku']]
        attempts.forEach((a, i) => foldCascade(expected, observationFromAttempt(a, {failed_before: failed[i], features: a.features ?? []})))
        const learned = async (s: PerfStore) => {
          await (s as {loadCascade?: () => Promise<unknown>}).loadCascade?.()
          return s.cascade()
        }
        expect(await learned(store)).toEqual(cascadeStateToJson(expected))
        expect(await learned(await reopen())).toEqual(cascadeStateToJson(expected))

        // Export → reset (nothing learned is left) → import: the same rollups, breakdown and learned state.
        const breakdown = await store.breakdown()
        const file = join(tmp, 'learned.jsonl')
        await store.export('jsonl', file)
        await store.reset({backup: false})
        expect((await learned(await reopen()))?.observations ?? 0).toBe(0)
        await store.import(file)
        expect(await store.dailyRollups()).toEqual(days)
        expect(await store.breakdown()).toEqual(breakdown)
        expect(await learned(await reopen())).toEqual(cascadeStateToJson(expected))
      })

      it('two handles on one store: each sees the other after refresh, and concurrent writes are all counted', async () => {
        const {store, reopen} = await open({})
        const other = await reopen()
        await store.record(makeAttempt(0, 0))
        expect(other.info().attempts).toBe(0)
        await other.refresh()
        expect(other.info().attempts).toBe(1)
        const a = Array.from({length: 20}, (_, i) => makeAttempt(4, i))
        const b = Array.from({length: 20}, (_, i) => makeAttempt(5, i))
        // Each handle records its own attempts in order (as one cto process does), both at once.
        const inOrder = async (s: PerfStore, xs: AttemptRecord[]) => {
          for (const x of xs) await s.record(x)
        }
        await Promise.all([inOrder(store, a), inOrder(other, b)])
        const fresh = await reopen()
        expect(fresh.info().attempts).toBe(41)
        expect(mismatches(fresh, [makeAttempt(0, 0), ...a, ...b])).toEqual([])
      })

      it('reset keeps nothing in the store, takes writes afterwards', async () => {
        const {store, reopen} = await seeded(open, 5)
        const result = await store.reset()
        expect(result).toMatchObject({attempts: 5, baselines: 0})
        expect((await store.summary()).empty).toBe(true)
        expect((await reopen()).info().attempts).toBe(0)
        await store.record(makeAttempt(0, 9))
        expect((await reopen()).info().attempts).toBe(1)
        await store.reset({backup: false})
        expect((await reopen()).info().attempts).toBe(0)
      })

      it('check() on a healthy store verifies every record', async () => {
        const {store} = await seeded(open, 12)
        expect(await store.check()).toMatchObject({ok: true, records: 12, problems: []})
      })
    })

    describe('export and import', () => {
      it('jsonl: export → reset → import → export gives the same bytes (attempts and imported totals)', async () => {
        const {store, tmp} = await seeded(open, 25)
        await store.import(legacyFixture)
        const first = join(tmp, 'first.jsonl')
        const second = join(tmp, 'second.jsonl')
        expect(await store.export('jsonl', first)).toMatchObject({attempts: 25, baselines: 7, unreadable: 0})
        const before = (await store.summary()).models
        await store.reset({backup: false})
        expect(await store.import(first)).toMatchObject({attempts_added: 25, baselines_added: 7, duplicates_skipped: 0})
        await store.export('jsonl', second)
        expect((await readFile(second)).equals(await readFile(first))).toBe(true)
        expect((await store.summary()).models).toEqual(before)
      })

      it('csv: export, import into an empty store, same totals; commas, quotes and newlines survive', async () => {
        const {store, tmp, records} = await seeded(open, 30)
        const file = join(tmp, 'x.csv')
        expect(await store.export('csv', file)).toMatchObject({format: 'csv', attempts: 30, path: file})
        const text = await readFile(file, 'utf8')
        expect(text.split('\n')[0]).toMatch(/^time,task_id,task_hash,task_excerpt,/)
        expect(text).toContain('"Task ""0"" of writer 0, with a comma, and a\nnewline"')
        const other = await open({})
        expect(await other.store.import(file)).toMatchObject({format: 'csv', attempts_added: 30})
        expect(mismatches(other.store, records)).toEqual([])
        expect(await other.store.import(file)).toMatchObject({attempts_added: 0, duplicates_skipped: 30})
      })

      it('duplicates: attempts already in the store, or twice in one file, are added once', async () => {
        const {store, tmp} = await seeded(open, 10)
        const dup = join(tmp, 'dup.jsonl')
        const fresh = makeAttempt(7, 1)
        await writeFile(dup, [makeAttempt(0, 3), fresh, fresh, makeAttempt(1, 4)].map((a) => JSON.stringify(a)).join('\n') + '\n')
        expect(await store.import(dup)).toMatchObject({attempts_added: 1, duplicates_skipped: 3})
        expect(store.info().attempts).toBe(11)
      })

      it('a UTF-8 byte-order mark is accepted in jsonl, csv, a JSON array and model_performance.json', async () => {
        const {store, tmp} = await open({})
        const bom = '\uFEFF'
        const a = makeAttempt(0, 0)
        const b = makeAttempt(0, 1)
        await writeFile(join(tmp, 'bom.jsonl'), bom + JSON.stringify(a) + '\n')
        await writeFile(join(tmp, 'bom.json'), bom + JSON.stringify([b]))
        const csvSource = await open({})
        await csvSource.store.record(makeAttempt(0, 2))
        await csvSource.store.export('csv', join(tmp, 'plain.csv'))
        await writeFile(join(tmp, 'bom.csv'), bom + (await readFile(join(tmp, 'plain.csv'), 'utf8')))
        await writeFile(join(tmp, 'bom-mp.json'), bom + (await readFile(legacyFixture, 'utf8')))
        expect(await store.import(join(tmp, 'bom.jsonl'))).toMatchObject({format: 'jsonl', attempts_added: 1})
        expect(await store.import(join(tmp, 'bom.json'))).toMatchObject({format: 'json', attempts_added: 1})
        expect(await store.import(join(tmp, 'bom.csv'))).toMatchObject({format: 'csv', attempts_added: 1})
        expect(await store.import(join(tmp, 'bom-mp.json'))).toMatchObject({format: 'model_performance', baselines_added: 7})
      })

      it('imports the original model_performance.json as per-model and per-task-type totals, once', async () => {
        const {store} = await open({})
        const result = await store.import(legacyFixture)
        expect(result).toMatchObject({format: 'model_performance', attempts_added: 0, baselines_added: 7})
        expect(result.notes.join('\n')).toMatch(/models\.broken is not an object/)
        const deepseek = store.stats('deepseek')
        expect(deepseek).toMatchObject({attempts: 40, tasks: 40, successes: 34, quality_count: 40, input_tokens: 120000, escalations: 4})
        expect(deepseek.quality_sum / deepseek.quality_count).toBeCloseTo(7.5)
        expect(deepseek.cost_usd).toBeCloseTo(0.42)
        expect(store.stats('deepseek', 'research')).toMatchObject({attempts: 15, successes: 14})
        expect(store.stats('kimi')).toMatchObject({attempts: 15, successes: 9, escalations: 1})
        expect(store.stats('haiku')).toMatchObject({attempts: 5, successes: 5, quality_count: 3, quality_sum: 26})
        expect(await store.import(legacyFixture)).toMatchObject({already_imported: true, baselines_added: 0})
        expect(store.stats('deepseek').attempts).toBe(40)
      })

      it('an invalid file is refused whole, with every problem named by line; nothing is imported', async () => {
        const {store, tmp} = await seeded(open, 3)
        const file = join(tmp, 'bad.jsonl')
        const good = makeAttempt(5, 0)
        await writeFile(file, [JSON.stringify(good), JSON.stringify({...makeAttempt(5, 1), time: 'yesterday'}), 'not json', JSON.stringify(makeAttempt(5, 2)), JSON.stringify({...makeAttempt(5, 3), input_tokens: -4})].join('\n'))
        const error = await store.import(file).then(() => undefined, (e: Error & {code?: string}) => e)
        expect(error?.code).toBe('PERF_IMPORT_INVALID')
        expect(error?.message).toMatch(/3 invalid record\(s\).*nothing was imported/)
        expect(error?.message).toMatch(/line 2: time/)
        expect(error?.message).toMatch(/line 3: not JSON/)
        expect(error?.message).toMatch(/line 5: input_tokens/)
        expect(store.info().attempts).toBe(3)
        await expect(store.import(join(tmp, 'missing.jsonl'))).rejects.toMatchObject({code: 'PERF_IMPORT_UNREADABLE'})
      })

      describe('poisoned imports are refused and leave the totals as they were', () => {
        const poisons: Array<[string, (tmp: string) => Promise<string>, RegExp]> = [
          [
            'a baseline line with empty stats (totals would become NaN)',
            async (tmp) => {
              const f = join(tmp, 'nan.jsonl')
              await writeFile(f, JSON.stringify({kind: 'baseline', source: 'x', source_sha256: 'a'.repeat(64), imported_at: '2025-01-01T00:00:00.000Z', model: 'deepseek', stats: {}}) + '\n')
              return f
            },
            /line 1: stats\.attempts/,
          ],
          [
            'cost_usd: 1e308 twice (the sum would overflow to Infinity)',
            async (tmp) => {
              const f = join(tmp, 'huge.jsonl')
              await writeFile(f, [JSON.stringify({...makeAttempt(6, 0), cost_usd: 1e308}), JSON.stringify({...makeAttempt(6, 1), cost_usd: 1e308})].join('\n'))
              return f
            },
            /line 1: cost_usd.*\n.*line 2: cost_usd/s,
          ],
          [
            'csv with cost_usd 1e308 and a token count "lots"',
            async (tmp) => {
              const src = await open({})
              await src.store.recordMany([0, 1].map((i) => ({...makeAttempt(6, i), task_excerpt: 'plain'})))
              const plain = join(tmp, 'p.csv')
              await src.store.export('csv', plain)
              const [header, r1, r2] = lines(await readFile(plain, 'utf8'))
              const cols = header.split(',')
              const set = (row: string, col: string, v: string) => {
                const cells = row.split(',')
                cells[cols.indexOf(col)] = v
                return cells.join(',')
              }
              const f = join(tmp, 'poison.csv')
              await writeFile(f, [header, set(r1, 'cost_usd', '1e308'), set(r2, 'input_tokens', 'lots'), ''].join('\n'))
              return f
            },
            /cost_usd[\s\S]*input_tokens/,
          ],
          [
            'model_performance.json with negative counts, 25 successes of 10, quality 50, "total_tasks": "lots"',
            async (tmp) => {
              const f = join(tmp, 'model_performance.json')
              await writeFile(
                f,
                JSON.stringify({
                  models: {
                    a: {total_tasks: -3},
                    b: {total_tasks: 10, successful_tasks: 25},
                    c: {total_tasks: 10, avg_quality: 50},
                    d: {total_tasks: 'lots'},
                  },
                }),
              )
              return f
            },
            /models\.a\.total_tasks: -3 is negative[\s\S]*models\.b: successes: 25 is more than attempts \(10\)[\s\S]*models\.c\.avg_quality: quality 50 is outside 1–10[\s\S]*models\.d\.total_tasks: "lots" is not a number/,
          ],
          [
            'model_performance.json whose models is a list',
            async (tmp) => {
              const f = join(tmp, 'mp-array.json')
              await writeFile(f, JSON.stringify({summary: {total_tasks: 1}, models: [{name: 'deepseek', total_tasks: 1}]}, null, 2))
              return f
            },
            /models: a list; model_performance\.json keeps an object keyed by model name/,
          ],
        ]
        for (const [what, make, message] of poisons) {
          it(what, async () => {
            const {store, tmp, reopen} = await seeded(open, 4)
            const before = (await store.summary()).models
            const file = await make(tmp)
            await expect(store.import(file)).rejects.toMatchObject({code: 'PERF_IMPORT_INVALID', message: expect.stringMatching(message)})
            expect(store.info()).toMatchObject({attempts: 4, baselines: 0})
            const again = await reopen()
            expect((await again.summary()).models).toEqual(before)
            for (const row of before) expect(Number.isFinite(row.total_cost_usd)).toBe(true)
          })
        }
      })
    })
  })
}
