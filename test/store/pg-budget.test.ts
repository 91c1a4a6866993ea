/**
 * Team budgets across machines, with real processes: members on two HOMEs record through the real
 * task loop (test/store/fixtures/team-worker.ts) into one PostgreSQL store at once, under a daily
 * claude cap that fits exactly CAP_CALLS calls. Every attempt is recorded once, and the cap is not
 * exceeded by more than one call (`npm run bench -- team` runs the same with 20 × 100).
 */
import {spawn} from 'node:child_process'
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openPgStore} from '../../src/core/store/pg/pg-store.js'
import {resolveStoreSettings} from '../../src/core/store/store-settings.js'
import {postgresMissing, startPostgres, type PgServer} from '../support/postgres-server.js'
import {repoRoot} from './helpers.js'

const worker = join(repoRoot, 'test', 'store', 'fixtures', 'team-worker.ts')

function runWorker(url: string, w: number, count: number, cap: number, tokens: number, dataDir: string): Promise<{code: number | null; out: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', worker, url, 'cto', String(w), String(count), String(cap), String(tokens), dataDir], {cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, out}))
  })
}

let pg: PgServer

describe.skipIf(postgresMissing)(`team budgets across processes${postgresMissing ? ` — skipped: ${postgresMissing}` : ''}`, () => {
  beforeAll(async () => {
    pg = await startPostgres()
    await pg.createDatabase('budget')
  })
  afterAll(async () => {
    await pg?.close()
  })

  it('8 processes on 2 machines × 25 tasks at once: all 200 recorded once; a cap that fits 60 calls is not exceeded by more than one', async () => {
    const url = pg.url('budget')
    const homes = [await mkdtemp(join(tmpdir(), 'cto-m1-')), await mkdtemp(join(tmpdir(), 'cto-m2-'))]
    const TOKENS = 1000
    const CAP_CALLS = 60
    const results = await Promise.all(Array.from({length: 8}, (_, w) => runWorker(url, w, 25, CAP_CALLS * TOKENS, TOKENS, homes[w % 2])))
    for (const r of results) expect(r.code, r.out).toBe(0)
    const claudeCalls = results.reduce((n, r) => n + Number(/done (\d+) \d+/.exec(r.out)?.[1] ?? NaN), 0)

    const store = await openPgStore({settings: resolveStoreSettings({CTO_STORE_URL: url}, {}), onWarning: () => {}})
    try {
      expect(store.info().attempts).toBe(200)
      expect(await pg.admin(`SELECT count(*) || '/' || count(DISTINCT id) FROM cto.records`, 'budget')).toBe('200/200')
      const spent = store.spentToday('claude')
      expect(spent).toBe(claudeCalls * TOKENS)
      expect(spent).toBeGreaterThanOrEqual(CAP_CALLS * TOKENS)
      expect(spent).toBeLessThanOrEqual(CAP_CALLS * TOKENS + TOKENS)
      expect(store.heldToday('claude')).toBe(0)
      expect(store.stats('opus').attempts + store.stats('deepseek').attempts).toBe(200)
      expect((await store.summary({by: 'user'})).by_user?.map((r) => r.user).sort()).toEqual(Array.from({length: 8}, (_, w) => `worker-${w}`).sort())
      expect(await store.check()).toMatchObject({ok: true, records: 200})
    } finally {
      await store.close()
    }
  })
})
