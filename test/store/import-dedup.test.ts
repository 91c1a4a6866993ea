/** Duplicate detection by hash never drops a record whose hash merely collides with another's. */
import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {HashCollector, keyHash} from '../../src/core/store/import-dedup.js'
import {openStore} from '../../src/core/store/perf-store.js'
import {attemptKey} from '../../src/core/store/store-line.js'
import {makeAttempt} from './fixtures/attempts.js'

describe('import duplicate detection', () => {
  it('sorted runs: membership and repeats across runs', () => {
    const c = new HashCollector()
    for (let i = 0; i < 3_000_000; i++) c.add((i * 2654435761) >>> 0)
    c.add(5)
    c.add(5)
    const s = c.sorted()
    expect(c.count).toBe(3_000_002)
    expect(s.has((12345 * 2654435761) >>> 0)).toBe(true)
    expect(s.repeated()).toEqual(new Set([5]))
  })

  it('two different attempts whose keys hash alike are both imported; a true duplicate is not', async () => {
    const base = makeAttempt(0, 0)
    const seen = new Map<number, string>()
    let pair: [string, string] | undefined
    for (let i = 0; !pair; i++) {
      const id = `collide-${i}`
      const h = keyHash(attemptKey({...base, task_id: id}))
      const other = seen.get(h)
      if (other) pair = [other, id]
      seen.set(h, id)
    }
    const [a, b] = pair.map((task_id) => ({...base, task_id}))
    expect(keyHash(attemptKey(a))).toBe(keyHash(attemptKey(b)))
    const tmp = await mkdtemp(join(tmpdir(), 'cto-dedup-'))
    const file = join(tmp, 'collide.jsonl')
    await writeFile(file, [a, b, a].map((x) => JSON.stringify(x)).join('\n') + '\n')
    const store = await openStore({dir: join(tmp, 'perf')})
    expect(await store.import(file)).toMatchObject({attempts_added: 2, duplicates_skipped: 1})
    // Against the store: `a` already there, `b` (same hash, different attempt) is new.
    const other = await openStore({dir: join(tmp, 'perf2')})
    const onlyA = join(tmp, 'a.jsonl')
    const onlyB = join(tmp, 'b.jsonl')
    await writeFile(onlyA, JSON.stringify(a) + '\n')
    await writeFile(onlyB, JSON.stringify(b) + '\n')
    expect(await other.import(onlyA)).toMatchObject({attempts_added: 1})
    expect(await other.import(onlyB)).toMatchObject({attempts_added: 1, duplicates_skipped: 0})
    expect(await other.import(onlyA)).toMatchObject({attempts_added: 0, duplicates_skipped: 1})
  })
})
