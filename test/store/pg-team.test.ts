/**
 * The team store beyond the shared contract, against real PostgreSQL servers started here:
 * migrations, team budgets, the spool, moving history between the stores, check/repair, the
 * per-person view, and every connection fault named by its setting (with the password nowhere).
 */
import {mkdtemp, readdir, readFile, writeFile, copyFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import {migrate, SCHEMA_VERSION} from '../../src/core/store/pg/migrations.js'
import {openPgStore, type PgPerfStore} from '../../src/core/store/pg/pg-store.js'
import {Spool} from '../../src/core/store/pg/spool.js'
import {resolveStoreSettings, teamStoreId, type StoreSettings} from '../../src/core/store/store-settings.js'
import {openTaskStore} from '../../src/core/store/open-perf-store.js'
import {pushLocalHistory} from '../../src/core/store/store-push.js'
import type {AttemptRecord} from '../../src/core/store/types.js'
import {postgresMissing, startPostgres, type PgServer} from '../support/postgres-server.js'
import {makeAttempt} from './fixtures/attempts.js'

const legacyFixture = fileURLToPath(new URL('./fixtures/model_performance.json', import.meta.url))

let pg: PgServer
let plain: PgServer
const opened: PgPerfStore[] = []
let n = 0

const settingsFor = (url: string, schema = `s${process.pid}_${n++}`, timeout = 5): StoreSettings => resolveStoreSettings({CTO_STORE_URL: url}, {schema, connect_timeout_seconds: timeout})

async function open(settings: StoreSettings, extra: {spool?: Spool; warnings?: string[]; clock?: () => Date} = {}): Promise<PgPerfStore> {
  const s = await openPgStore({settings, spool: extra.spool, clock: extra.clock, onWarning: (m) => extra.warnings?.push(m)})
  opened.push(s)
  return s
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<Error & {code: string; actions: string[]}> {
  return p.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: Error & {code: string; actions: string[]}) => e,
  )
}

/** Rows with money rounded to 12 digits: the team store sums exactly (numeric), the local store in doubles. */
const roughly = <T>(rows: T): T => JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)))

const withUser = (a: AttemptRecord, user?: string, id?: string): AttemptRecord => ({...a, ...(user ? {user} : {}), ...(id ? {attempt_id: id} : {})})

describe.skipIf(postgresMissing)(`team store on PostgreSQL${postgresMissing ? ` — skipped: ${postgresMissing}` : ''}`, () => {
  beforeAll(async () => {
    ;[pg, plain] = await Promise.all([startPostgres({tls: true}), startPostgres()])
    await pg.createDatabase('team')
    await plain.createDatabase('team')
  })
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()))
  })
  afterAll(async () => {
    await Promise.all([pg?.close(), plain?.close()])
  })

  describe('migrations', () => {
    it('a fresh database reads as empty without being written; the first record creates the schema at the newest version', async () => {
      const settings = settingsFor(pg.url('team'))
      const warnings: string[] = []
      const store = await open(settings, {warnings})
      expect(store.schemaVersion).toBe(0)
      expect(await store.summary()).toMatchObject({empty: true, models: []})
      expect(await pg.admin(`SELECT count(*) FROM pg_namespace WHERE nspname = '${settings.schema}'`, 'team')).toBe('0')
      await store.record(makeAttempt(0, 0))
      expect(store.schemaVersion).toBe(SCHEMA_VERSION)
      expect(warnings.join('\n')).toMatch(/Created cto's tables in the team store .* \(schema version 2\)/)
      expect(await pg.admin(`SELECT string_agg(version || ':' || name, ', ' ORDER BY version) FROM ${settings.schema}.cto_migrations`, 'team')).toBe('1:records, rollups, budgets, 2:per-team documents')
    })

    it('upgrades a version-1 store in place, keeping its records; two members upgrading at once apply each migration once', async () => {
      const settings = settingsFor(pg.url('team'))
      const first = await open(settings)
      expect(await first.migrate(1)).toMatchObject({from: 0, to: 1, applied: [{version: 1}]})
      // Recorded as a cto that knows only version 1 would (any write of this cto upgrades first).
      await first.send([makeAttempt(0, 0), makeAttempt(0, 1)])
      expect(first.schemaVersion).toBe(1)
      expect(await first.readDocument('cascade')).toBeUndefined()
      const [a, b] = await Promise.all([open(settings), open(settings)])
      const results = await Promise.all([a.migrate(), b.migrate()])
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 1])
      expect(await pg.admin(`SELECT count(*) FROM ${settings.schema}.cto_migrations`, 'team')).toBe('2')
      expect(a.info().attempts).toBe(2)
      await a.writeDocument('cascade', {learned: [1, 2, 3]})
      expect(await b.readDocument('cascade')).toEqual({learned: [1, 2, 3]})
    })

    it('refuses a schema newer than this cto knows, for reads and writes, and writes nothing', async () => {
      const settings = settingsFor(pg.url('team'))
      const store = await open(settings)
      await store.record(makeAttempt(0, 0))
      await pg.admin(`INSERT INTO ${settings.schema}.cto_migrations (version, name) VALUES (99, 'from the future')`, 'team')
      const opening = await failure(open(settings))
      expect(opening.code).toBe('STORE_SCHEMA_NEWER')
      expect(opening.message).toMatch(/schema version 99, newer than this cto knows \(2\).*Nothing was read or written/)
      expect(opening.actions.join(' ')).toMatch(/Upgrade cto/)
      expect((await failure(migrate(store.connection.sql, {schema: settings.schema, location: store.location, by: 'test'}))).code).toBe('STORE_SCHEMA_NEWER')
      expect((await failure(store.refresh())).code).toBe('STORE_SCHEMA_NEWER')
      expect(await pg.admin(`SELECT count(*) FROM ${settings.schema}.records`, 'team')).toBe('1')
    })
  })

  describe('team budgets', () => {
    it('30 members asking at once under a cap that fits 10: exactly 10 are admitted; recording turns holds into spending', async () => {
      const settings = settingsFor(pg.url('team'))
      const handles = await Promise.all([0, 1, 2].map(() => open(settings)))
      await handles[0].migrate()
      const asks = Array.from({length: 30}, (_, i) => handles[i % 3].admit({id: `a${i}`, group: 'claude', tokens: 100, cap: 1000, ttlMs: 60_000}))
      const verdicts = await Promise.all(asks)
      const admitted = verdicts.map((v, i) => (v.ok ? i : -1)).filter((i) => i >= 0)
      expect(admitted).toHaveLength(10)
      expect(verdicts.filter((v) => !v.ok).every((v) => v.used >= 1000)).toBe(true)
      await handles[1].refresh()
      expect(handles[1].info()).toMatchObject({spent_today: {claude: 0}, held_today: {claude: 1000}, tokens_today: {claude: 1000}})
      // Each admitted attempt is recorded under its id, using 60 of the 100 it held.
      const now = new Date().toISOString()
      for (const i of admitted) await handles[0].record({...makeAttempt(0, i), time: now, group: 'claude', model: 'opus', engine: 'claude-cli', input_tokens: 50, output_tokens: 10, attempt_id: `a${i}`})
      expect(handles[0].info()).toMatchObject({spent_today: {claude: 600}, held_today: {claude: 0}})
      // 400 left under the cap: admitted again while spent + held < 1000.
      const more = await Promise.all(Array.from({length: 10}, (_, i) => handles[i % 3].admit({id: `b${i}`, group: 'claude', tokens: 100, cap: 1000, ttlMs: 60_000})))
      expect(more.filter((v) => v.ok)).toHaveLength(4)
    })

    it('a hold that is never recorded expires', async () => {
      const settings = settingsFor(pg.url('team'))
      const store = await open(settings)
      expect(await store.admit({id: 'x', group: 'external', tokens: 500, cap: 500, ttlMs: 1000})).toMatchObject({ok: true, used: 0})
      expect(await store.admit({id: 'y', group: 'external', tokens: 500, cap: 500, ttlMs: 1000})).toMatchObject({ok: false, used: 500})
      await new Promise((r) => setTimeout(r, 1500))
      expect(await store.admit({id: 'y', group: 'external', tokens: 500, cap: 500, ttlMs: 1000})).toMatchObject({ok: true, used: 0})
    })
  })

  describe('the spool: database down while recording', () => {
    it('records go to the spool with one warning; the next open delivers them exactly once, also when a delivery was cut short', async () => {
      const settings = settingsFor(plain.url('team'), undefined, 2)
      const dir = await mkdtemp(join(tmpdir(), 'cto-spool-'))
      const spool = new Spool(join(dir, 'spool'))
      const warnings: string[] = []
      const store = await open(settings, {spool, warnings})
      await store.record(withUser(makeAttempt(0, 0), 'alice', 'id-0'))
      await plain.stop()
      try {
        await store.record(withUser(makeAttempt(0, 1), 'alice', 'id-1'))
        await store.record(withUser(makeAttempt(0, 2), 'alice', 'id-2'))
        expect(await spool.pending()).toBe(2)
        expect(warnings.filter((w) => /can't be reached/.test(w))).toHaveLength(1)
        expect(warnings[warnings.length - 1]).toMatch(new RegExp(`kept in ${spool.dir}`))
        expect((await failure(open(settings))).code).toBe('STORE_UNREACHABLE')
      } finally {
        await plain.start()
      }
      // Keep a copy of one spooled file, as if a delivery had committed and died before removing it.
      const [name] = await readdir(spool.dir)
      await copyFile(join(spool.dir, name), join(dir, 'saved.json'))
      const again: string[] = []
      const reopened = await open(settings, {spool, warnings: again})
      expect(again.join('\n')).toMatch(/Delivered 2 attempt\(s\) kept locally/)
      expect(reopened.info().attempts).toBe(3)
      expect(await spool.pending()).toBe(0)
      await copyFile(join(dir, 'saved.json'), join(spool.dir, name))
      const third: string[] = []
      const once = await open(settings, {spool, warnings: third})
      expect(third.join('\n')).toMatch(/Delivered 0 attempt\(s\).*\(1 were already there\)/)
      expect(once.info().attempts).toBe(3)
      expect(await pg.admin('SELECT 1')).toBe('1')
      expect(await plain.admin(`SELECT count(*) || '/' || count(DISTINCT id) FROM ${settings.schema}.records`, 'team')).toBe('3/3')
    })

    it('a server that stops answering mid-run: the record is given up after 3 × connect_timeout_seconds and spooled; two commands delivering at once count it once', async () => {
      const settings = settingsFor(plain.url('team'), undefined, 1)
      const spool = new Spool(join(await mkdtemp(join(tmpdir(), 'cto-spool-')), 'spool'))
      const warnings: string[] = []
      const store = await open(settings, {spool, warnings})
      await store.record(makeAttempt(2, 0))
      await plain.pause()
      try {
        const t0 = Date.now()
        await store.record(makeAttempt(2, 1))
        expect(Date.now() - t0).toBeLessThan(8000)
        await store.record(makeAttempt(2, 2))
        expect(await spool.pending()).toBe(2)
        expect(warnings.join('\n')).toMatch(/can't be reached \(no answer from 127\.0\.0\.1:\d+ in time\): attempts are kept in /)
      } finally {
        await plain.resume()
      }
      const [a, b] = await Promise.all([open(settings, {spool}), open(settings, {spool})])
      await a.refresh()
      expect(a.info().attempts).toBe(3)
      expect(b.info().attempts).toBeLessThanOrEqual(3)
      expect(await spool.pending()).toBe(0)
      expect(await plain.admin(`SELECT count(*) || '/' || count(DISTINCT id) FROM ${settings.schema}.records`, 'team')).toBe('3/3')
    })

    it("cto task's store while the database is down: the team totals it last saw plus this machine's spooled tokens", async () => {
      const settings = settingsFor(plain.url('team'), undefined, 1)
      const env = {CTO_DATA_DIR: await mkdtemp(join(tmpdir(), 'cto-offline-'))}
      const now = new Date().toISOString()
      const online = await openTaskStore({settings, env, onWarning: () => {}})
      for (let i = 0; i < 4; i++) await online.record({...makeAttempt(0, i), time: now, group: 'external', input_tokens: 100, output_tokens: 50})
      const before = {stats: online.stats('deepseek'), tokens: online.tokensToday('external')}
      expect(before.tokens).toBe(600)
      await online.close()
      await plain.stop()
      try {
        const warnings: string[] = []
        const offline = await openTaskStore({settings, env, onWarning: (m) => warnings.push(m)})
        expect(offline.kind).toBe('postgres-offline')
        expect(offline.budget).toBeUndefined()
        expect(warnings.join('\n')).toMatch(/can't be reached .*routes on the team's totals from \d{4}-\d\d-\d\dT/)
        expect(offline.stats('deepseek')).toEqual(before.stats)
        await offline.record({...makeAttempt(0, 9), time: now, group: 'external', input_tokens: 70, output_tokens: 30})
        expect(offline.tokensToday('external')).toBe(700)
      } finally {
        await plain.start()
      }
      const back = await open(settings, {spool: new Spool(join(env.CTO_DATA_DIR, 'team', teamStoreId(settings), 'spool'))})
      expect(back.info()).toMatchObject({attempts: 5, spent_today: {external: 700}})
    })

    it('a spooled file that cannot be read back is moved to quarantine, never deleted', async () => {
      const settings = settingsFor(pg.url('team'))
      const dir = await mkdtemp(join(tmpdir(), 'cto-spool-'))
      const spool = new Spool(join(dir, 'spool'))
      await spool.add([makeAttempt(1, 0)])
      await mkdir(spool.dir, {recursive: true})
      await writeFile(join(spool.dir, `${'ab'.repeat(16)}.json`), '{"torn":')
      const warnings: string[] = []
      const store = await open(settings, {spool, warnings})
      expect(store.info().attempts).toBe(1)
      expect(warnings.join('\n')).toMatch(/could not be read .*moved to .*quarantine/)
      expect(await readFile(join(spool.dir, 'quarantine', `${'ab'.repeat(16)}.json`), 'utf8')).toBe('{"torn":')
    })
  })

  describe('moving in', () => {
    it('export from the local store → import into the team store → export gives the same bytes, and back', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cto-move-'))
      const local = await openStore({dir: join(dir, 'perf'), onWarning: () => {}})
      await local.recordMany(Array.from({length: 40}, (_, i) => withUser(makeAttempt(i % 4, i), i % 2 ? 'bob@laptop' : undefined, i % 3 ? `id-${i}` : undefined)))
      await local.import(legacyFixture)
      await local.export('jsonl', join(dir, 'local.jsonl'))
      const team = await open(settingsFor(pg.url('team')))
      expect(await team.import(join(dir, 'local.jsonl'))).toMatchObject({attempts_added: 40, baselines_added: 7})
      await team.export('jsonl', join(dir, 'team.jsonl'))
      expect((await readFile(join(dir, 'team.jsonl'))).equals(await readFile(join(dir, 'local.jsonl')))).toBe(true)
      expect(roughly((await team.summary()).models)).toEqual(roughly((await local.summary()).models))
      const back = await openStore({dir: join(dir, 'back'), onWarning: () => {}})
      await back.import(join(dir, 'team.jsonl'))
      await back.export('jsonl', join(dir, 'back.jsonl'))
      expect((await readFile(join(dir, 'back.jsonl'))).equals(await readFile(join(dir, 'local.jsonl')))).toBe(true)
    })

    it('cto store push: twice, counted once', async () => {
      const home = await mkdtemp(join(tmpdir(), 'cto-push-'))
      const env = {CTO_DATA_DIR: home}
      const local = await openStore({env, onWarning: () => {}})
      await local.recordMany(Array.from({length: 25}, (_, i) => withUser(makeAttempt(2, i), 'carol@desk', `p-${i}`)))
      await local.import(legacyFixture)
      const settings = settingsFor(pg.url('team'))
      expect(await pushLocalHistory({settings, env})).toMatchObject({local_attempts: 25, local_baselines: 7, attempts_added: 25, duplicates_skipped: 0, baselines_added: 7})
      expect(await pushLocalHistory({settings, env})).toMatchObject({attempts_added: 0, duplicates_skipped: 25, baselines_added: 0, already_imported: true})
      const team = await open(settings)
      expect(team.info()).toMatchObject({attempts: 25, baselines: 7})
      expect((await readdir(join(home, 'team'))).length).toBe(1)
    })
  })

  describe('check and repair', () => {
    it('finds totals that disagree with the records and a record whose JSON is damaged; --repair fixes the totals and quarantines the record', async () => {
      const settings = settingsFor(pg.url('team'))
      const store = await open(settings)
      await store.recordMany(Array.from({length: 12}, (_, i) => makeAttempt(0, i)))
      expect(await store.check()).toMatchObject({ok: true, records: 12})
      await pg.admin(`UPDATE ${settings.schema}.stats SET attempts = attempts + 5 WHERE model = 'deepseek' AND task_type = ''`, 'team')
      await pg.admin(`UPDATE ${settings.schema}.records SET body = '{"torn' WHERE seq = (SELECT max(seq) FROM ${settings.schema}.records)`, 'team')
      const found = await store.check()
      expect(found.ok).toBe(false)
      expect(found.records).toBe(11)
      expect(found.problems.join('\n')).toMatch(/record \d+ .*: its JSON does not parse/)
      expect(found.problems.join('\n')).toMatch(/stats deepseek\/'': attempts stored \d+, from the records \d+/)
      const repaired = await store.check({repair: true})
      expect(repaired.repaired.join('\n')).toMatch(/Moved 1 unreadable record\(s\) to the table .*quarantine/)
      expect(await store.check()).toMatchObject({ok: true, records: 11, problems: []})
      expect(store.info().attempts).toBe(11)
      expect(await pg.admin(`SELECT count(*) FROM ${settings.schema}.quarantine`, 'team')).toBe('1')
    })
  })

  describe("the router's learned state", () => {
    it("cto task's store folds what the team recorded since the last task, once; a damaged state stops the task with the fix; --repair lets the next task learn it again", async () => {
      const settings = settingsFor(pg.url('team'))
      const env = {CTO_DATA_DIR: await mkdtemp(join(tmpdir(), 'cto-learn-'))}
      const member = await open(settings)
      await member.recordMany(Array.from({length: 10}, (_, i) => makeAttempt(1, i)))
      const first = await openTaskStore({settings, env, onWarning: () => {}})
      expect(first.cascade()?.observations).toBe(10)
      await first.close()
      const doc = async () => JSON.parse(await pg.admin(`SELECT body::text FROM ${settings.schema}.documents WHERE name = 'cascade'`, 'team')) as {through: number; state: {observations: number}}
      expect((await doc()).state.observations).toBe(10)
      // Two tasks opening at once after 6 more records: both see 16, the saved state counts each record once.
      await member.recordMany(Array.from({length: 6}, (_, i) => makeAttempt(2, i)))
      const [a, b] = await Promise.all([openTaskStore({settings, env, onWarning: () => {}}), openTaskStore({settings, env, onWarning: () => {}})])
      expect([a.cascade()?.observations, b.cascade()?.observations]).toEqual([16, 16])
      await Promise.all([a.close(), b.close()])
      expect((await doc()).state.observations).toBe(16)
      expect((await doc()).through).toBe(Number(await pg.admin(`SELECT max(seq) FROM ${settings.schema}.records`, 'team')))

      await pg.admin(`UPDATE ${settings.schema}.documents SET body = jsonb_set(body, '{state,text,bits}', '5') WHERE name = 'cascade'`, 'team')
      const damaged = await failure(openTaskStore({settings, env, onWarning: () => {}}))
      expect(damaged.code).toBe('PERF_STORE_CASCADE_UNREADABLE')
      expect(damaged.actions).toEqual(['Rebuild it from the recorded attempts: cto perf check --repair'])
      const checked = await member.check()
      expect(checked.ok).toBe(false)
      expect(checked.problems).toEqual([expect.stringMatching(/^the router's learned state can't be read \(.*\); --repair drops it/)])
      expect((await member.check({repair: true})).ok).toBe(false)
      expect(await member.check()).toMatchObject({ok: true, problems: []})
      const again = await openTaskStore({settings, env, onWarning: () => {}})
      expect(again.cascade()?.observations).toBe(16)
      await again.close()
    })
  })

  it('--by user: one row per person, the same on both stores, with filters', async () => {
    const records = Array.from({length: 30}, (_, i) => withUser(makeAttempt(i % 3, i), ['alice@a', 'bob@b', undefined][i % 3]))
    const team = await open(settingsFor(pg.url('team')))
    await team.recordMany(records)
    const local = await openStore({dir: join(await mkdtemp(join(tmpdir(), 'cto-users-')), 'perf'), onWarning: () => {}})
    await local.recordMany(records)
    const rows = (await team.summary({by: 'user'})).by_user
    expect(rows?.map((r) => [r.user, r.attempts])).toEqual([
      ['(unknown)', 10],
      ['alice@a', 10],
      ['bob@b', 10],
    ])
    expect(roughly(rows)).toEqual(roughly((await local.summary({by: 'user'})).by_user))
    const coding = await team.summary({by: 'user', type: 'coding'})
    expect(roughly(coding.by_user)).toEqual(roughly((await local.summary({by: 'user', type: 'coding'})).by_user))
    expect(coding.by_user?.reduce((s, r) => s + r.attempts, 0)).toBe(records.filter((r) => r.task_type === 'coding').length)
  })

  describe('connection faults: one clear error naming the setting, never the password', () => {
    const secret = 'Sup3r-Secret-pw!'
    const expectNoSecret = (e: Error & {actions: string[]}, pw: string) => {
      expect(`${e.message}\n${e.actions.join('\n')}`).not.toContain(pw)
      expect(JSON.stringify(e)).not.toContain(pw)
    }

    it('wrong password', async () => {
      const e = await failure(open(settingsFor(pg.url('team', {password: secret}))))
      expect(e.code).toBe('STORE_AUTH_FAILED')
      expect(e.message).toMatch(/refused the password of user "cto" \(from CTO_STORE_URL\)/)
      expect(e.actions[0]).toMatch(/Fix the password in CTO_STORE_URL/)
      expectNoSecret(e, secret)
      expectNoSecret(e, pg.password)
    })

    it('a database that does not exist', async () => {
      const e = await failure(open(resolveStoreSettings({}, {url: pg.url('nosuchdb')}, '/home/me/.config/cto/config.json')))
      expect(e.code).toBe('STORE_DATABASE_MISSING')
      expect(e.message).toMatch(/Database "nosuchdb" does not exist .*from store\.url in \/home\/me\/\.config\/cto\/config\.json/)
      expect(e.actions[0]).toMatch(/createdb .* nosuchdb/)
      expectNoSecret(e, pg.password)
    })

    it('a server that requires TLS, and TLS asked of a server without it', async () => {
      const e = await failure(open(settingsFor(pg.url('tls_only'))))
      expect(e.code).toBe('STORE_TLS_REQUIRED')
      expect(e.actions[0]).toMatch(/Add \?sslmode=require to CTO_STORE_URL/)
      expectNoSecret(e, pg.password)
      const tls = await open(settingsFor(pg.url('tls_only', {query: 'sslmode=require'})))
      await tls.record(makeAttempt(0, 0))
      expect(tls.info().attempts).toBe(1)
      const no = await failure(open(settingsFor(plain.url('team', {query: 'sslmode=require'}))))
      expect(no.code).toBe('STORE_TLS_UNAVAILABLE')
      expect(no.message).toMatch(/does not offer TLS, which CTO_STORE_URL asks for/)
    })

    it('a URL that is not PostgreSQL names the setting without echoing the password', () => {
      let e: (Error & {code: string; actions: string[]}) | undefined
      try {
        resolveStoreSettings({CTO_STORE_URL: `mysql://me:${secret}@db/x`}, {})
      } catch (error) {
        e = error as typeof e
      }
      expect(e?.code).toBe('STORE_URL_INVALID')
      expect(e?.message).toMatch(/CTO_STORE_URL is not a usable PostgreSQL URL \(mysql:\/\/me@db\/x\): the scheme is "mysql"/)
      expectNoSecret(e as Error & {actions: string[]}, secret)
    })

    it('a stopped server is unreachable (connection refused); a paused one too (no answer within connect_timeout_seconds)', async () => {
      const settings = settingsFor(plain.url('team'), undefined, 1)
      await plain.stop()
      try {
        const refused = await failure(open(settings))
        expect(refused.code).toBe('STORE_UNREACHABLE')
        expect(refused.message).toMatch(/can't be reached \(connection refused by 127\.0\.0\.1:\d+/)
      } finally {
        await plain.start()
      }
      await plain.pause()
      try {
        const t0 = Date.now()
        const hung = await failure(open(settings))
        expect(hung.code).toBe('STORE_UNREACHABLE')
        expect(hung.message).toMatch(/no answer from 127\.0\.0\.1:\d+ in time/)
        expect(Date.now() - t0).toBeLessThan(10_000)
      } finally {
        await plain.resume()
      }
    })
  })
})
