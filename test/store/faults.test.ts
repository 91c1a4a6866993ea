/**
 * The file store under faults, with real processes: writers killed (SIGKILL) or paused (SIGSTOP)
 * around the lock, tails zeroed or torn as a power cut leaves them, a damaged state file, a
 * folder where a file should be, a symbolic-link loop, an export racing a reset.
 *
 * The invariant checked after each: every acknowledged record (`record()` returned) is stored
 * exactly once; a record reported as not stored is not stored; the totals equal an independent
 * tally of the raw records (read and checksummed by test code, not the store's).
 */
import {appendFile, mkdir, open as openFile, readdir, readFile, rename, stat, symlink, truncate, writeFile} from 'node:fs/promises'
import {spawn} from 'node:child_process'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {encodeLine} from '../../src/core/store/line-codec.js'
import {openStore} from '../../src/core/store/perf-store.js'
import {makeAttempt} from './fixtures/attempts.js'
import {bulkWriterScript, perfCli, repoRoot, resumeOnceStopped, readRawAttempts, sleep, statsMismatches, stopsWithin, tempStoreDir, trackedWriter} from './helpers.js'

const STALE_MS = 2000

/** Index of an attempt made by makeAttempt(w, i), from its task id and step. */
const indexOf = (taskId: string, step: number) => Number(/-t(\d+)$/.exec(taskId)?.[1]) * 2 + step

async function expectExactlyOnce(dir: string, writers: Array<{w: number; acked: number[]; notStored?: number[]; stderr?: string}>) {
  const raw = await readRawAttempts(dir)
  const keys = raw.map((r) => `${r.task_id}#${r.escalation_step}`)
  expect(keys.length - new Set(keys).size, 'records stored twice').toBe(0)
  for (const {w, acked, notStored = [], stderr = ''} of writers) {
    const stored = new Set(raw.filter((r) => r.task_id.startsWith(`w${w}-`)).map((r) => indexOf(r.task_id, r.escalation_step)))
    for (const i of acked) expect(stored.has(i), `writer ${w}: acknowledged record ${i} is missing`).toBe(true)
    for (const i of notStored) expect(stored.has(i), `writer ${w}: record ${i} was reported as not stored, but is (the writer said: ${stderr.trim().slice(-600)})`).toBe(false)
  }
  const store = await openStore({dir, onWarning: () => {}})
  expect(store.info().attempts).toBe(raw.length)
  expect(statsMismatches(store, raw)).toEqual([])
  return raw
}

async function seededByProcess(count: number): Promise<{dir: string; dataDir: string; segment: string}> {
  const dir = await tempStoreDir()
  const w = trackedWriter(dir, 0, count)
  expect(await w.exited, w.stderr).toBe(0)
  const ids = (await readdir(join(dir, 'segments'))).sort()
  return {dir, dataDir: dirname(dir), segment: join(dir, 'segments', ids.at(-1) as string)}
}

describe('killed writers (SIGKILL)', () => {
  it('killed at random moments, again and again: acknowledged records are stored once, the rest never twice', async () => {
    const dir = await tempStoreDir()
    const all: Array<{w: number; acked: number[]}> = []
    for (let round = 0; round < 3; round++) {
      const writers = Array.from({length: 5}, (_, k) => {
        const w = round * 5 + k
        return {w, t: trackedWriter(dir, w, 'forever', {env: {WRITER_SEGMENT_BYTES: '8192', WRITER_RETRY: '1'}}), after: 3 + ((w * 7) % 13)}
      })
      await Promise.all(
        writers.map(async ({t, after}) => {
          await t.waitForAcks(after)
          await sleep((after * 3) % 17)
          t.child.kill('SIGKILL')
          await t.exited
        }),
      )
      all.push(...writers.map(({w, t}) => ({w, acked: [...t.acked]})))
    }
    const raw = await expectExactlyOnce(dir, all)
    expect(raw.length).toBeGreaterThanOrEqual(all.reduce((n, x) => n + x.acked.length, 0))
    // Whatever the kills left behind, the next writer goes through.
    const next = trackedWriter(dir, 99, 2)
    expect(await next.exited, next.stderr).toBe(0)
  }, 180_000)
})

describe('paused writers (SIGSTOP / SIGCONT) and the fenced lock', () => {
  it('paused between appending and committing, it loses the lock: on SIGCONT it writes nothing and says its record was NOT stored', async () => {
    const dir = await tempStoreDir()
    const a = trackedWriter(dir, 1, 'forever', {env: {CTO_STORE_PAUSE_AT: 'after-append'}})
    await a.waitForStderr(/paused at after-append/)
    expect(await stopsWithin(a.child)).toBe(true)
    await sleep(STALE_MS + 700)
    const b = trackedWriter(dir, 2, 5)
    expect(await b.exited, b.stderr).toBe(0)
    await resumeOnceStopped(a.child)
    expect(await a.exited).toBe(1)
    expect(a.acked).toEqual([])
    expect(a.stderr).toMatch(/error PERF_STORE_LOCK_LOST 0: This process lost the performance store lock .*Nothing was recorded/)
    await expectExactlyOnce(dir, [{w: 1, acked: [], notStored: [0]}, {w: 2, acked: b.acked}])
    // Told "not stored", a retry stores it exactly once.
    const retry = trackedWriter(dir, 1, 1)
    expect(await retry.exited, retry.stderr).toBe(0)
    await expectExactlyOnce(dir, [{w: 1, acked: [0]}, {w: 2, acked: b.acked}])
  }, 60_000)

  it('paused right after linking its state, overtaken by a writer that built on it: told its record is stored (a retry would count it twice)', async () => {
    const dir = await tempStoreDir()
    const a = trackedWriter(dir, 1, 2, {env: {CTO_STORE_PAUSE_AT: 'after-link'}})
    await a.waitForStderr(/paused at after-link/)
    await sleep(STALE_MS + 700)
    const b = trackedWriter(dir, 2, 3)
    expect(await b.exited, b.stderr).toBe(0)
    await resumeOnceStopped(a.child)
    expect(await a.exited, a.stderr).toBe(0)
    expect(a.stderr).not.toMatch(/PERF_STORE_LOCK_LOST/)
    expect(a.acked).toEqual([0, 1])
    await expectExactlyOnce(dir, [{w: 1, acked: a.acked}, {w: 2, acked: b.acked}])
  }, 60_000)

  it('paused after committing, it is told the truth when resumed: its record is stored, once', async () => {
    const dir = await tempStoreDir()
    const a = trackedWriter(dir, 1, 2, {env: {CTO_STORE_PAUSE_AT: 'after-commit'}})
    await a.waitForStderr(/paused at after-commit/)
    await sleep(STALE_MS + 700)
    const b = trackedWriter(dir, 2, 3)
    expect(await b.exited, b.stderr).toBe(0)
    await resumeOnceStopped(a.child)
    expect(await a.exited, a.stderr).toBe(0)
    expect(a.acked).toEqual([0, 1])
    await expectExactlyOnce(dir, [{w: 1, acked: a.acked}, {w: 2, acked: b.acked}])
  }, 60_000)

  it('stopped at whatever point it holds the lock, resumed after another writer took over: nothing lost, nothing counted twice', async () => {
    const dir = await tempStoreDir()
    const writers: Array<{w: number; acked: number[]; notStored: number[]; stderr?: string}> = []
    for (let round = 0; round < 4; round++) {
      const a = trackedWriter(dir, 10 + round, 'forever')
      await a.waitForAcks(3)
      // Stop it while it holds the lock (the lock folder exists and it is the only writer).
      let held = false
      for (let tries = 0; tries < 200 && !held; tries++) {
        a.child.kill('SIGSTOP')
        await sleep(5)
        held = await stat(join(dir, 'store.lock')).then(() => true, () => false)
        if (!held) {
          a.child.kill('SIGCONT')
          await sleep(1 + (tries % 4))
        }
      }
      expect(held).toBe(true)
      await sleep(STALE_MS + 700)
      const b = trackedWriter(dir, 20 + round, 4)
      expect(await b.exited, b.stderr).toBe(0)
      a.child.kill('SIGCONT')
      await sleep(300)
      a.child.kill('SIGKILL')
      await a.exited
      const notStored = [...a.stderr.matchAll(/error PERF_STORE_LOCK_LOST (\d+)/g)].map((m) => Number(m[1]))
      writers.push({w: 10 + round, acked: [...a.acked], notStored, stderr: a.stderr}, {w: 20 + round, acked: b.acked, notStored: []})
    }
    await expectExactlyOnce(dir, writers)
  }, 120_000)
})

describe('damage found by content, not size', () => {
  it('the last 300 bytes of a segment zeroed (size unchanged): reads say so, export leaves it out and says so, the next record is kept', async () => {
    const {dir, dataDir, segment} = await seededByProcess(40)
    const size = (await stat(segment)).size
    const fh = await openFile(segment, 'r+')
    await fh.write(Buffer.alloc(300), 0, 300, size - 300)
    await fh.close()
    expect((await stat(segment)).size).toBe(size)

    const perf = await perfCli(dataDir, 'index', ['--json'])
    expect(perf.code, perf.stderr).toBe(0)
    const summary = JSON.parse(perf.stdout)
    expect(summary.health.stale).toBe(true)
    expect(summary.health.problems.join('\n')).toMatch(/last committed line of .*00000001\.jsonl is damaged \(zeroed bytes\)/)
    expect(summary.totals.attempts).toBe(40)

    const out = join(dataDir, 'out.jsonl')
    const exported = await perfCli(dataDir, 'export', ['--output', out])
    expect(exported.code, exported.stderr).toBe(0)
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(39)
    expect(exported.stderr).toMatch(/1 record\(s\) counted in the totals could not be read back/)

    const next = trackedWriter(dir, 5, 1)
    expect(await next.exited, next.stderr).toBe(0)
    expect(next.stderr).toMatch(/39 of its 40 committed record\(s\) were readable .* 1 could not be read and are no longer counted/)
    const raw = await expectExactlyOnce(dir, [{w: 5, acked: [0]}])
    expect(raw).toHaveLength(40)
    const kept = await readdir(join(dir, 'quarantine'))
    expect(kept.some((n) => n.startsWith('segments-00000001.jsonl.damaged-'))).toBe(true)
    const check = await perfCli(dataDir, 'check', ['--json'])
    expect(check.code, check.stderr).toBe(0)
    expect(JSON.parse(check.stdout)).toMatchObject({ok: true, records: 40})
  }, 60_000)

  it('an import killed after writing dozens of new segments (Ctrl-C in "cto perf import"): the next record is stored, the import counts for nothing', async () => {
    const {dir} = await seededByProcess(4)
    const bulk = spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', bulkWriterScript, dir, '7', '20000'], {cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    bulk.stdout.on('data', (d) => (out += d))
    // Killed once it has made more than 30 segment files of its own, all past the committed state's counter.
    const started = Date.now()
    while ((await readdir(join(dir, 'segments'))).length < 32 && Date.now() - started < 60_000) await sleep(20)
    bulk.kill('SIGKILL')
    await new Promise((resolve) => bulk.on('close', resolve))
    expect(out).not.toContain('committed')
    expect((await readdir(join(dir, 'segments'))).length).toBeGreaterThan(30)
    // Every later record failed: "EEXIST from open on …/segments/000000NN.jsonl" (it skipped 20 ids at most).
    const next = trackedWriter(dir, 6, 2)
    expect(await next.exited, next.stderr).toBe(0)
    await expectExactlyOnce(dir, [{w: 0, acked: [0, 1, 2, 3]}, {w: 6, acked: [0, 1]}, {w: 7, acked: [], notStored: [0, 1, 2]}])
  }, 120_000)

  it('bytes after the committed end (a writer killed mid-append, or one that lost the lock) are never counted, even a well-formed line', async () => {
    const {dir, dataDir, segment} = await seededByProcess(10)
    // A complete, checksummed line with the next sequence number, as a writer that died before committing leaves it.
    await appendFile(segment, encodeLine(11, JSON.stringify(makeAttempt(8, 0))))
    await appendFile(segment, '[12,{"time":"2025-01-')
    const perf = JSON.parse((await perfCli(dataDir, 'index', ['--json'])).stdout)
    expect(perf).toMatchObject({totals: {attempts: 10}, health: {stale: false}})
    const next = trackedWriter(dir, 6, 2)
    expect(await next.exited, next.stderr).toBe(0)
    expect(next.stderr).toMatch(/bytes after its last committed record: an unfinished write .* not counted/)
    await expectExactlyOnce(dir, [{w: 6, acked: [0, 1]}, {w: 8, acked: [], notStored: [0]}])
    // The bytes stay in the file (sealed), the new records went to a new segment.
    expect((await readdir(join(dir, 'segments'))).length).toBe(2)
  }, 60_000)

  it('a damaged newest state file: reads fall back to the previous one and say so; the next write recounts what it covered', async () => {
    const {dir, dataDir} = await seededByProcess(12)
    const states = (await readdir(join(dir, 'state'))).filter((n) => n.endsWith('.json')).sort()
    const newest = join(dir, 'state', states.at(-1) as string)
    await truncate(newest, 100)
    const perf = await perfCli(dataDir, 'index', ['--json'])
    expect(perf.code, perf.stderr).toBe(0)
    const s = JSON.parse(perf.stdout)
    expect(s.totals.attempts).toBe(11)
    expect(s.health).toMatchObject({stale: true})
    expect(s.health.problems[0]).toContain(newest)
    const next = trackedWriter(dir, 3, 1)
    expect(await next.exited, next.stderr).toBe(0)
    expect(next.stderr).toMatch(/recounted 1 record\(s\) written after it/)
    await expectExactlyOnce(dir, [{w: 0, acked: Array.from({length: 12}, (_, i) => i)}, {w: 3, acked: [0]}])
  }, 60_000)
})

describe('a folder where a file should be, and other things a disk can hold', () => {
  it('the newest state file is a folder: cto perf still answers (stale) and reset --yes works', async () => {
    const {dir, dataDir} = await seededByProcess(6)
    const states = (await readdir(join(dir, 'state'))).filter((n) => n.endsWith('.json')).sort()
    const newest = join(dir, 'state', states.at(-1) as string)
    await rename(newest, `${newest}.moved`)
    await mkdir(newest)
    const perf = await perfCli(dataDir, 'index')
    expect(perf.code, perf.stderr).toBe(0)
    expect(perf.stderr).toMatch(/totals may be stale: .*it is a folder, not a file/)
    expect(perf.stderr).not.toMatch(/report it/)
    const reset = await perfCli(dataDir, 'reset', ['--yes', '--json'])
    expect(reset.code, reset.stderr).toBe(0)
    expect(JSON.parse((await perfCli(dataDir, 'index', ['--json'])).stdout).empty).toBe(true)
  }, 60_000)

  it('a segment file is a folder: export fails with exit 1, naming the path and the fix', async () => {
    const {dataDir, segment} = await seededByProcess(6)
    await rename(segment, `${segment}.moved`)
    await mkdir(segment)
    const r = await perfCli(dataDir, 'export', ['--output', join(dataDir, 'x.jsonl')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(segment)
    expect(r.stderr).toMatch(/is a folder where cto expects a file[\s\S]*→ Move it out of the way \("mv /)
    expect(r.stderr).not.toMatch(/report it/)
  }, 60_000)

  it('"segments" is a file: recording fails with exit 1, naming the path and the fix', async () => {
    const dir = await tempStoreDir()
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'segments'), 'not a folder')
    const w = trackedWriter(dir, 0, 1)
    expect(await w.exited).toBe(1)
    expect(w.stderr).toMatch(/error PERF_STORE_(ENOTDIR|EEXIST)/)
    expect(w.stderr).toContain(join(dir, 'segments'))
  }, 60_000)

  it('"state" is a symbolic link that loops: cto perf fails with exit 1, naming the path and the fix', async () => {
    const {dir, dataDir} = await seededByProcess(3)
    await rename(join(dir, 'state'), join(dir, 'state.moved'))
    await symlink(join(dir, 'state'), join(dir, 'state'))
    const r = await perfCli(dataDir, 'index')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/symbolic link that loops/)
    expect(r.stderr).toContain(`rm ${join(dir, 'state')}`)
  }, 60_000)
})

describe('export and reset at the same time', () => {
  it('an export paused after taking its snapshot, a reset meanwhile: the export still writes every record, byte for byte', async () => {
    const dir = await tempStoreDir()
    const dataDir = dirname(dir)
    const store = await openStore({dir, segmentBytes: 64 * 1024})
    for (let k = 0; k < 6; k++) await store.recordMany(Array.from({length: 500}, (_, i) => makeAttempt(k, i)))
    const before = join(dataDir, 'before.jsonl')
    await store.export('jsonl', before)

    const out = join(dataDir, 'racing.jsonl')
    const {spawn} = await import('node:child_process')
    const {perfRunner, repoRoot} = await import('./helpers.js')
    const exporter = spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', perfRunner, 'export', '--output', out], {
      cwd: repoRoot,
      env: {PATH: process.env.PATH, HOME: dataDir, CTO_DATA_DIR: dataDir, CTO_STORE_PAUSE_AT: 'export-snapshot'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    exporter.stderr.on('data', (d) => (err += d))
    const done = new Promise<number | null>((resolve) => exporter.on('close', resolve))
    for (let i = 0; i < 3000 && !/paused at export-snapshot/.test(err); i++) await sleep(10)
    expect(err).toMatch(/paused at export-snapshot/)
    const reset = await perfCli(dataDir, 'reset', ['--yes', '--no-backup', '--json'])
    expect(reset.code, reset.stderr).toBe(0)
    expect(JSON.parse(reset.stdout)).toMatchObject({attempts: 3000})
    await resumeOnceStopped(exporter)
    expect(await done, err).toBe(0)
    expect((await readFile(out)).equals(await readFile(before))).toBe(true)
    expect((await openStore({dir})).info().attempts).toBe(0)
  }, 60_000)

  it('Ctrl-C during an export to a file: exit 130, one line saying nothing was written, and no temp file left (it left a hidden one as large as the export)', async () => {
    const dir = await tempStoreDir()
    const dataDir = dirname(dir)
    const store = await openStore({dir, segmentBytes: 64 * 1024})
    await store.recordMany(Array.from({length: 500}, (_, i) => makeAttempt(1, i)))
    const out = join(dataDir, 'out', 'attempts.jsonl')
    await mkdir(dirname(out))
    const {spawn} = await import('node:child_process')
    const {perfRunner, repoRoot} = await import('./helpers.js')
    // Stopped with its whole file written under the temp name, then interrupted.
    const exporter = spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', perfRunner, 'export', '--output', out], {
      cwd: repoRoot,
      env: {PATH: process.env.PATH, HOME: dataDir, CTO_DATA_DIR: dataDir, CTO_STORE_PAUSE_AT: 'export-written'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    exporter.stderr.on('data', (d) => (err += d))
    const done = new Promise<number | null>((resolve) => exporter.on('close', resolve))
    for (let i = 0; i < 3000 && !/paused at export-written/.test(err); i++) await sleep(10)
    expect(await stopsWithin(exporter)).toBe(true)
    expect((await readdir(dirname(out))).filter((n) => n.startsWith('.attempts.jsonl.tmp-'))).toHaveLength(1)
    exporter.kill('SIGINT')
    exporter.kill('SIGCONT')
    expect(await done, err).toBe(130)
    expect(err).toContain(`Ctrl-C: export stopped; nothing was written to ${out} (it is written whole or not at all).`)
    expect(await readdir(dirname(out))).toEqual([])
  }, 60_000)
})

