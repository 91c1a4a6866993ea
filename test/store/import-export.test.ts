import {readFile, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import {makeAttempt} from './fixtures/attempts.js'
import {readRawAttempts, statsMismatches, tempStoreDir} from './helpers.js'

const legacyFixture = fileURLToPath(new URL('./fixtures/model_performance.json', import.meta.url))

async function storeWith(count: number) {
  const dir = await tempStoreDir()
  const warnings: string[] = []
  const store = await openStore({dir, onWarning: (m) => warnings.push(m), clock: () => new Date('2025-02-01T10:00:00Z')})
  for (let i = 0; i < count; i++) await store.record(makeAttempt(i % 3, i))
  return {dir, store, warnings}
}

describe('export and import', () => {
  for (const format of ['jsonl', 'csv'] as const) {
    it(`${format}: export, import into an empty store, same records and same totals`, async () => {
      const a = await storeWith(30)
      const file = join(dirname(a.dir), `export.${format}`)
      const exported = await a.store.export(format, file)
      expect(exported).toMatchObject({format, attempts: 30, path: file})

      const b = await storeWith(0)
      const imported = await b.store.import(file)
      expect(imported).toMatchObject({format, attempts_added: 30, duplicates_skipped: 0})
      expect(await readRawAttempts(b.dir)).toEqual(await readRawAttempts(a.dir))
      expect((await b.store.summary()).models).toEqual((await a.store.summary()).models)
      expect(statsMismatches(b.store, await readRawAttempts(a.dir))).toEqual([])

      // Importing the same file again adds nothing.
      const again = await b.store.import(file)
      expect(again).toMatchObject({attempts_added: 0, duplicates_skipped: 30})
      expect(b.store.info().attempts).toBe(30)
    })
  }

  it('csv keeps commas, quotes and newlines in the excerpt', async () => {
    const a = await storeWith(2)
    const file = join(dirname(a.dir), 'x.csv')
    await a.store.export('csv', file)
    const text = await readFile(file, 'utf8')
    expect(text.split('\n')[0]).toMatch(/^time,task_id,task_hash,task_excerpt,/)
    expect(text).toContain('"Task ""0"" of writer 0, with a comma, and a\nnewline"')
  })

  it('imports the original model_performance.json as per-model and per-task-type totals', async () => {
    const {store} = await storeWith(0)
    const result = await store.import(legacyFixture)
    expect(result.format).toBe('model_performance')
    expect(result.attempts_added).toBe(0)
    // deepseek: totals + 2 types; kimi: totals (sum of types) + 2 types; haiku: totals.
    expect(result.baselines_added).toBe(7)
    expect(result.notes.join('\n')).toMatch(/models\.broken is not an object/)
    expect(result.notes.join('\n')).not.toMatch(/summary says/)

    const deepseek = store.stats('deepseek')
    expect(deepseek).toMatchObject({attempts: 40, tasks: 40, successes: 34, quality_count: 40, input_tokens: 120000, escalations: 4})
    expect(deepseek.quality_sum / deepseek.quality_count).toBeCloseTo(7.5)
    expect(deepseek.duration_ms).toBeCloseTo(40 * 12_500)
    expect(deepseek.cost_usd).toBeCloseTo(0.42)
    expect(store.stats('deepseek', 'research')).toMatchObject({attempts: 15, successes: 14})
    expect(store.stats('kimi')).toMatchObject({attempts: 15, successes: 9, escalations: 1})
    expect(store.stats('kimi', 'email')).toMatchObject({attempts: 5, successes: 0})
    expect(store.stats('haiku')).toMatchObject({attempts: 5, successes: 5, quality_count: 3, quality_sum: 26})

    const summary = await store.summary()
    expect(summary.empty).toBe(false)
    expect(summary.models.map((r) => r.model)).toEqual(['deepseek', 'kimi', 'haiku'])
    expect(summary.models[0].success_rate).toBeCloseTo(0.85)

    const again = await store.import(legacyFixture)
    expect(again).toMatchObject({already_imported: true, baselines_added: 0})
    expect(store.stats('deepseek').attempts).toBe(40)
  })

  it('a summary that does not add up is reported, not trusted', async () => {
    const {dir, store} = await storeWith(0)
    const file = join(dirname(dir), 'model_performance.json')
    await writeFile(file, JSON.stringify({summary: {total_tasks: 99}, models: {deepseek: {total_tasks: 3, success_rate: 1}}}))
    const result = await store.import(file)
    expect(result.notes).toContain('.summary says 99 tasks, the models add up to 3; imported the per-model numbers.')
    expect(store.stats('deepseek').attempts).toBe(3)
  })

  it('jsonl export keeps imported totals; csv leaves them out and says so', async () => {
    const a = await storeWith(4)
    await a.store.import(legacyFixture)
    const jsonl = join(dirname(a.dir), 'all.jsonl')
    expect(await a.store.export('jsonl', jsonl)).toMatchObject({attempts: 4, baselines: 7})
    const b = await storeWith(0)
    expect(await b.store.import(jsonl)).toMatchObject({attempts_added: 4, baselines_added: 7})
    expect(b.store.stats('deepseek')).toEqual(a.store.stats('deepseek'))

    const csv = join(dirname(a.dir), 'all.csv')
    expect(await a.store.export('csv', csv)).toMatchObject({attempts: 4, baselines_skipped: 7})
    expect(a.warnings.join('\n')).toMatch(/7 imported totals .* have no CSV form/)
  })

  it('an invalid record stops the import before anything is written', async () => {
    const {dir, store} = await storeWith(0)
    const file = join(dirname(dir), 'bad.jsonl')
    const good = makeAttempt(0, 0)
    await writeFile(file, [JSON.stringify(good), JSON.stringify({...good, time: 'yesterday'}), 'not json'].join('\n'))
    await expect(store.import(file)).rejects.toMatchObject({code: 'PERF_IMPORT_INVALID', message: expect.stringMatching(/2 invalid record\(s\); nothing was imported[\s\S]*line 2: time/)})
    expect(store.info().attempts).toBe(0)
    await expect(store.import(join(dirname(dir), 'missing.json'))).rejects.toMatchObject({code: 'PERF_IMPORT_UNREADABLE'})
  })
})
