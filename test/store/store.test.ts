/** The file store's own layout and mechanics (the behaviour every store shares is in contract.ts). */
import {mkdir, readdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {crc32} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {crc32Portable, decodeLine, encodeLine} from '../../src/core/store/line-codec.js'
import {openStore, storeDir} from '../../src/core/store/perf-store.js'
import {parseSince} from '../../src/core/store/since.js'
import {makeAttempt} from './fixtures/attempts.js'
import {readRawAttempts, statsMismatches, tempStoreDir} from './helpers.js'

describe('file store layout', () => {
  it('lives in <CTO_DATA_DIR or XDG_DATA_HOME/cto>/perf; opening creates nothing, the first write creates state/ and segments/', async () => {
    expect(storeDir({CTO_DATA_DIR: '/d'})).toBe('/d/perf')
    expect(storeDir({XDG_DATA_HOME: '/x', HOME: '/h'})).toBe('/x/cto/perf')
    expect(storeDir({HOME: '/h'})).toBe('/h/.local/share/cto/perf')
    const root = dirname(await tempStoreDir())
    const store = await openStore({env: {CTO_DATA_DIR: root}})
    expect(store.path).toBe(join(root, 'perf'))
    expect(await readdir(root)).toEqual([])
    expect(await store.summary()).toMatchObject({empty: true, models: [], source: 'aggregates'})
    await store.record(makeAttempt(0, 0))
    expect((await readdir(join(root, 'perf'))).filter((n) => !n.startsWith('store.lock')).sort()).toEqual(['segments', 'state'])
  })

  it('lines are [seq, record, "crc32"]; the record is the normalised attempt; sequence numbers rise across segments', async () => {
    const dir = await tempStoreDir()
    const store = await openStore({dir, segmentBytes: 2000})
    for (let i = 0; i < 20; i++) await store.record(makeAttempt(1, i))
    await store.recordMany(Array.from({length: 20}, (_, i) => makeAttempt(2, i)))
    const ids = (await readdir(join(dir, 'segments'))).sort()
    expect(ids.length).toBeGreaterThan(5)
    const seqs: number[] = []
    for (const id of ids) {
      for (const line of (await readFile(join(dir, 'segments', id), 'utf8')).split('\n').filter(Boolean)) {
        const [seq, record, crc] = JSON.parse(line)
        seqs.push(seq)
        expect(Object.keys(record)[0]).toBe('time')
        expect(crc).toMatch(/^[0-9a-f]{8}$/)
      }
    }
    expect(seqs).toEqual(Array.from({length: 40}, (_, i) => i + 1))
    const raw = await readRawAttempts(dir)
    expect(raw).toHaveLength(40)
    expect(store.info()).toMatchObject({attempts: 40})
    expect(statsMismatches(store, raw)).toEqual([])
    expect((await readdir(join(dir, 'history'))).length).toBeGreaterThanOrEqual(1)
    // Only the newest state files are kept.
    expect((await readdir(join(dir, 'state'))).filter((n) => n.endsWith('.json')).length).toBeLessThanOrEqual(3)
  })

  it('crc32: the portable fallback equals zlib; a changed, zeroed or cut line is refused', () => {
    for (const text of ['', 'a', 'hello, world', '[1,{"time":"x"},', 'é∑😀'.repeat(50)]) {
      const b = Buffer.from(text)
      expect(crc32Portable(b)).toBe(crc32(b))
    }
    const line = encodeLine(42, JSON.stringify(makeAttempt(0, 0)))
    const body = line.subarray(0, line.length - 1)
    const ok = decodeLine(body)
    expect(ok).toMatchObject({ok: true, seq: 42})
    const changed = Buffer.from(body)
    changed[40] = changed[40] === 0x61 ? 0x62 : 0x61
    expect(decodeLine(changed)).toMatchObject({ok: false, why: 'checksum mismatch'})
    expect(decodeLine(Buffer.alloc(body.length))).toMatchObject({ok: false, why: 'zeroed bytes'})
    expect(decodeLine(body.subarray(0, 100))).toMatchObject({ok: false})
  })

  it('reset keeps a backup that is a store of its own', async () => {
    const dir = await tempStoreDir()
    const store = await openStore({dir, clock: () => new Date('2025-03-01T08:00:00Z')})
    for (let i = 0; i < 5; i++) await store.record(makeAttempt(0, i))
    const result = await store.reset()
    expect(result.backup).toMatch(/perf\.reset-2025-03-01T08-00-00-000Z-\d+$/)
    expect(await readdir(join(result.backup as string, 'segments'))).toHaveLength(1)
    const backup = await openStore({dir: result.backup as string})
    expect(backup.info().attempts).toBe(5)
    expect(await backup.check()).toMatchObject({ok: true, records: 5})
    expect(store.info().attempts).toBe(0)
  })

  it('--since and --model use the segment index: segments they skip are not read at all', async () => {
    const dir = await tempStoreDir()
    const warnings: string[] = []
    const store = await openStore({dir, segmentBytes: 4096, onWarning: (m) => warnings.push(m)})
    const old = Array.from({length: 60}, (_, i) => ({...makeAttempt(0, i), time: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()}))
    const recent = Array.from({length: 12}, (_, i) => ({...makeAttempt(1, i), model: 'newmodel', time: new Date(Date.UTC(2025, 5, 1, 0, i)).toISOString()}))
    await store.recordMany(old)
    await store.recordMany(recent)
    // Move every segment holding only old attempts out of the store: a full scan would now fail.
    const history = JSON.parse(await readFile(join(dir, 'history', (await readdir(join(dir, 'history'))).sort().at(-1) as string), 'utf8'))
    const oldIds: number[] = history.segments.filter((s: {max_time: string}) => s.max_time < '2025').map((s: {id: number}) => s.id)
    expect(oldIds.length).toBeGreaterThan(3)
    await mkdir(join(dir, 'elsewhere'))
    for (const id of oldIds) {
      const name = `${String(id).padStart(8, '0')}.jsonl`
      await rename(join(dir, 'segments', name), join(dir, 'elsewhere', name))
    }
    const since = await store.summary({since: new Date(Date.UTC(2025, 0, 1))})
    expect(since.totals.attempts).toBe(12)
    expect((await store.recent('newmodel', {limit: 5})).map((r) => r.time)).toEqual(recent.slice(-5).reverse().map((r) => r.time))
    expect(await store.recent('nosuch')).toEqual([])
    expect(warnings).toEqual([])
    // The full scan does read them, and says what is missing.
    await store.summary({since: new Date(0)})
    expect(warnings.join('\n')).toMatch(/is missing/)
  })

  it('a store of the older layout (aggregates.json + attempts-NNNNNN.jsonl) is shown read-only, then upgraded by the first write', async () => {
    const dir = await tempStoreDir()
    await mkdir(join(dir, 'segments'), {recursive: true})
    const v1 = Array.from({length: 6}, (_, i) => makeAttempt(0, i))
    await writeFile(join(dir, 'segments', 'attempts-000001.jsonl'), v1.map((a) => JSON.stringify(a)).join('\n') + '\n')
    await writeFile(join(dir, 'aggregates.json'), JSON.stringify({version: 1, models: {deepseek: {attempts: 6}}, model_types: {}, tokens_by_day: {}, recent_tasks: {order: [], by_id: {}}, segments: {}, imports: [], totals: {attempts: 6, baselines: 0}}))
    const warnings: string[] = []
    const store = await openStore({dir, onWarning: (m) => warnings.push(m)})
    expect(store.info().attempts).toBe(6)
    await store.record(makeAttempt(0, 6))
    expect(warnings.join('\n')).toMatch(/upgraded 6 record\(s\) from the older layout/)
    const raw = await readRawAttempts(dir)
    expect(raw).toHaveLength(7)
    expect(statsMismatches(await openStore({dir}), raw)).toEqual([])
    expect((await readdir(dir)).some((n) => n.startsWith('upgraded-from-v1-'))).toBe(true)
  })

  it('parses --since durations and dates', () => {
    const now = new Date('2025-06-10T12:00:00Z')
    expect(parseSince('7d', now).toISOString()).toBe('2025-06-03T12:00:00.000Z')
    expect(parseSince('12h', now).toISOString()).toBe('2025-06-10T00:00:00.000Z')
    expect(parseSince('2025-06-01', now).getDate()).toBe(1)
    expect(() => parseSince('last tuesday', now)).toThrow(/Cannot read --since "last tuesday"/)
  })
})

describe('durability', () => {
  it('record() fsyncs the segment, the new state file and the state folder before it returns', async () => {
    const {createRequire, syncBuiltinESMExports} = await import('node:module')
    const fsp = createRequire(import.meta.url)('fs').promises as typeof import('node:fs/promises')
    const dir = await tempStoreDir()
    const store = await openStore({dir})
    await store.record(makeAttempt(0, 0))
    const synced: string[] = []
    const pathOf = new Map<number, string>()
    const open = fsp.open
    const probe = await open(join(dir, 'state'), 'r')
    const proto = Object.getPrototypeOf(probe) as {sync: () => Promise<void>; datasync: () => Promise<void>}
    await probe.close()
    const original = {sync: proto.sync, datasync: proto.datasync}
    ;(fsp as {open: typeof open}).open = (async (...args: Parameters<typeof open>) => {
      const fh = await open(...args)
      pathOf.set(fh.fd, String(args[0]))
      return fh
    }) as typeof open
    syncBuiltinESMExports()
    for (const k of ['sync', 'datasync'] as const) {
      proto[k] = async function (this: {fd: number}) {
        synced.push(`${k} ${pathOf.get(this.fd)}`)
        return original[k].call(this)
      }
    }
    try {
      await store.record(makeAttempt(0, 1))
    } finally {
      ;(fsp as {open: typeof open}).open = open
      syncBuiltinESMExports()
      proto.sync = original.sync
      proto.datasync = original.datasync
    }
    expect(synced).toContain(`datasync ${join(dir, 'segments', '00000001.jsonl')}`)
    expect(synced.some((s) => s.startsWith(`sync ${join(dir, 'state', '.tmp-')}`))).toBe(true)
    expect(synced).toContain(`sync ${join(dir, 'state')}`)
  })
})
