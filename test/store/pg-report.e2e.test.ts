/**
 * `cto perf report` on the team store, through the built CLI (the page's scripts are in dist/report):
 * the team's attempts, stacked by member with --by user, read from a real PostgreSQL server.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openPgStore} from '../../src/core/store/pg/pg-store.js'
import {resolveStoreSettings} from '../../src/core/store/store-settings.js'
import {postgresMissing, startPostgres, type PgServer} from '../support/postgres-server.js'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import {makeAttempt} from './fixtures/attempts.js'

let pg: PgServer
let sb: Sandbox

describe.skipIf(postgresMissing)(`cto perf report on the team store${postgresMissing ? ` — skipped: ${postgresMissing}` : ''}`, () => {
  beforeAll(async () => {
    pg = await startPostgres()
    await pg.createDatabase('report')
    sb = await makeSandbox()
  })
  afterAll(async () => {
    await sb?.cleanup()
    await pg?.close()
  })

  it('shows the team: cost per day stacked by member, every attempt counted, no password anywhere', async () => {
    const url = pg.url('report')
    const store = await openPgStore({settings: resolveStoreSettings({CTO_STORE_URL: url}, {}), onWarning: () => {}})
    const now = Date.now()
    const attempts = Array.from({length: 12}, (_, i) => ({...makeAttempt(0, i, now - 3 * 86_400_000), user: i % 3 === 0 ? 'alice@laptop' : 'bob@desk'}))
    await store.recordMany(attempts)
    await store.close()

    const out = join(sb.home, 'team-report.html')
    const r = await sb.run(['perf', 'report', '--by', 'user', '--out', out, '--json'], {env: {CTO_STORE_URL: url}})
    expect(r.code, r.stderr).toBe(0)
    const made = JSON.parse(r.stdout) as {file: string; holds: {attempts: number; series: string[]}}
    expect(made).toMatchObject({file: out, holds: {attempts: 12}})
    expect(made.holds.series.sort()).toEqual(['alice@laptop', 'bob@desk'])
    const page = await readFile(out, 'utf8')
    expect(page.startsWith('<!doctype html>')).toBe(true)
    expect(page).toContain('alice@laptop')
    for (const text of [r.stdout, r.stderr, page]) expect(text).not.toContain(pg.password)
  })
})
