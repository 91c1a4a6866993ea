import {appendFile, mkdir, readdir, readFile, truncate, utimes, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import {makeAttempt} from './fixtures/attempts.js'
import {readRawAttempts, runWriter, startWriter, statsMismatches, tempStoreDir} from './helpers.js'

async function seeded(count: number) {
  const dir = await tempStoreDir()
  const store = await openStore({dir, onWarning: () => {}})
  for (let i = 0; i < count; i++) await store.record(makeAttempt(0, i))
  return {dir, segment: join(dir, 'segments', 'attempts-000001.jsonl')}
}

async function openWatching(dir: string) {
  const warnings: string[] = []
  const store = await openStore({dir, lockStaleMs: 2000, onWarning: (m) => warnings.push(m)})
  return {store, warnings}
}

describe('crash safety', () => {
  it('a writer killed with SIGKILL in the middle of writing leaves a store that reads and takes more writes', async () => {
    const dir = await tempStoreDir()
    expect((await runWriter(dir, 0, 10)).code).toBe(0)
    const child = startWriter(dir, 1, 'forever')
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('recorded 15\n')) resolve()
      })
      child.on('error', reject)
      child.on('close', (code) => reject(new Error(`writer exited early with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('close', resolve))

    const {store, warnings} = await openWatching(dir)
    const raw = await readRawAttempts(dir)
    expect(raw.length).toBeGreaterThanOrEqual(25)
    expect(store.info().attempts).toBe(raw.length)
    expect(statsMismatches(store, raw)).toEqual([])
    // Whatever it was doing (even holding the lock), the next write goes through.
    await store.record(makeAttempt(2, 0))
    expect(store.info().attempts).toBe(raw.length + 1)
    for (const w of warnings) expect(w).toMatch(/Performance store/)
  }, 120_000)

  it('lines appended by a writer that died before updating the totals are counted by the next open', async () => {
    const {dir, segment} = await seeded(4)
    const lost = makeAttempt(0, 4)
    await appendFile(segment, JSON.stringify(lost) + '\n')
    const {store, warnings} = await openWatching(dir)
    expect(store.info().attempts).toBe(5)
    expect(warnings.join('\n')).toMatch(/counted 1 record\(s\) that an interrupted cto process had saved/)
    expect(statsMismatches(store, await readRawAttempts(dir))).toEqual([])
  })

  it('an old temp file left by a writer killed inside write-file-atomic is removed on the next repair', async () => {
    const {dir, segment} = await seeded(2)
    const temp = join(dir, 'aggregates.json.123456789')
    await writeFile(temp, '{"half": ')
    const old = new Date(Date.now() - 5 * 60_000)
    await utimes(temp, old, old)
    await appendFile(segment, JSON.stringify(makeAttempt(0, 2)) + '\n')
    await openWatching(dir)
    expect(await readdir(dir)).not.toContain('aggregates.json.123456789')
  })

  it('a line cut off by a kill (torn append) is moved aside with the segment, reported, and writing goes on', async () => {
    const {dir, segment} = await seeded(4)
    const torn = JSON.stringify(makeAttempt(0, 4)).slice(0, 50)
    await appendFile(segment, torn)
    const {store, warnings} = await openWatching(dir)
    expect(store.info().attempts).toBe(4)
    const report = warnings.find((w) => w.includes('cut-off last line'))
    expect(report, warnings.join('\n')).toBeDefined()
    expect(report).toContain(segment)
    const kept = /kept the original as (\S+)/.exec(report as string)?.[1] as string
    expect(kept).toContain(join(dir, 'quarantine'))
    expect((await readFile(kept, 'utf8')).endsWith(torn)).toBe(true)
    await store.record(makeAttempt(0, 5))
    const raw = await readRawAttempts(dir)
    expect(raw).toHaveLength(5)
    expect(statsMismatches(store, raw)).toEqual([])
  })

  it('a truncated aggregates file planted by the test is moved aside, reported, and the totals rebuilt from raw records', async () => {
    const {dir} = await seeded(6)
    const before = (await openStore({dir})).stats('deepseek')
    const aggregates = join(dir, 'aggregates.json')
    const text = await readFile(aggregates, 'utf8')
    await truncate(aggregates, Math.floor(text.length / 2))

    const {store, warnings} = await openWatching(dir)
    expect(store.stats('deepseek')).toEqual(before)
    expect(store.info().attempts).toBe(6)
    const report = warnings.join('\n')
    expect(report).toContain(`${aggregates} was damaged`)
    expect(report).toMatch(/Rebuilt the totals from 6 raw record\(s\) in 1 segment/)
    const quarantined = await readdir(join(dir, 'quarantine'))
    expect(quarantined).toHaveLength(1)
    expect(quarantined[0]).toMatch(/^aggregates\.json\.damaged-\d{4}-\d\d-\d\dT/)
    expect(await readFile(join(dir, 'quarantine', quarantined[0]), 'utf8')).toBe(text.slice(0, Math.floor(text.length / 2)))
    // The repaired file is valid again: a second open says nothing.
    expect((await openWatching(dir)).warnings).toEqual([])
  })

  it('an empty aggregates file (killed mid-write without atomic rename) is treated the same way', async () => {
    const {dir} = await seeded(3)
    await writeFile(join(dir, 'aggregates.json'), '')
    const {store, warnings} = await openWatching(dir)
    expect(store.info().attempts).toBe(3)
    expect(warnings.join('\n')).toMatch(/the file is empty/)
  })

  it('a segment changed in the middle is not double counted: moved aside, readable lines kept, totals rebuilt', async () => {
    const {dir, segment} = await seeded(4)
    const lines = (await readFile(segment, 'utf8')).split('\n')
    lines.splice(2, 0, '{"this is": not json')
    await writeFile(segment, lines.join('\n'))
    const {store, warnings} = await openWatching(dir)
    expect(store.info().attempts).toBe(4)
    expect(warnings.join('\n')).toMatch(/1 unreadable line\(s\) \(line 3\)/)
    expect(await readdir(join(dir, 'quarantine'))).toHaveLength(1)
    expect(statsMismatches(store, await readRawAttempts(dir))).toEqual([])
  })

  it('damage found by a scan (same size, so not seen at open) is repaired and reported', async () => {
    const {dir, segment} = await seeded(4)
    const text = await readFile(segment, 'utf8')
    const first = text.indexOf('\n')
    await writeFile(segment, 'X'.repeat(first) + text.slice(first))
    const {store, warnings} = await openWatching(dir)
    expect(warnings).toEqual([])
    const summary = await store.summary({since: new Date(0)})
    expect(summary.totals.attempts).toBe(3)
    expect(warnings.join('\n')).toMatch(/unreadable line/)
    expect(store.info().attempts).toBe(3)
    expect(await readdir(join(dir, 'quarantine'))).toHaveLength(1)
  })

  it('a lock left behind by a dead process is taken over once stale', async () => {
    const {dir} = await seeded(1)
    const lock = join(dir, 'store.lock')
    await mkdir(lock)
    const old = new Date(Date.now() - 60_000)
    await utimes(lock, old, old)
    const {store} = await openWatching(dir)
    await store.record(makeAttempt(0, 1))
    expect(store.info().attempts).toBe(2)
  })
})
