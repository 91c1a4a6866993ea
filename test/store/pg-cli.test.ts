/**
 * The team store through the CLI (in-process; `cto perf report` on it is in pg-report.e2e.test.ts): `cto task` records into PostgreSQL, keeps
 * working when the database is down (spool) and the next command delivers; `cto status` shows the
 * team's spending; `cto store status|migrate|push`; `cto perf --by user`; faults named by their
 * setting. The database is a real server started here; the models are the OpenAI-compatible test
 * server. After every scenario, no output and no file under HOME holds the URL's password.
 */
import {mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import {startOpenAIServer, type ChatRequest, type OpenAIReply, type OpenAIServer} from '../support/openai-server.js'
import {postgresMissing, startPostgres, type PgServer} from '../support/postgres-server.js'
import type {CliResult, Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {makeAttempt} from './fixtures/attempts.js'

const KEY = 'sk-test-team-0123456789abcdef'
let pg: PgServer
let server: OpenAIServer
let sandboxes: Sandbox[] = []
let outputs: CliResult[] = []
let db = 0

const isReview = (r: ChatRequest) => r.body.messages.some((m) => typeof m.content === 'string' && m.content.startsWith('You are the CTO reviewing'))
const isCto = (r: ChatRequest) => r.body.messages.some((m) => m.role === 'system' && typeof m.content === 'string' && m.content.startsWith('You are the CTO'))
const json = (v: unknown): OpenAIReply => ({content: JSON.stringify(v), usage: {prompt_tokens: 100, completion_tokens: 20}})

/** A member's machine: its own HOME, the external models on the test server, Claude disabled. */
async function member(url: string, user: string, extra: Record<string, unknown> = {}) {
  const sb = await makeInProcessSandbox()
  sandboxes.push(sb)
  await sb.writeUserConfig({
    worker_models: {claude: {haiku: {enabled: false}, sonnet: {enabled: false}, opus: {enabled: false}}},
    provider_endpoints: {deepseek: {api_url: `${server.baseURL}/chat/completions`, model_id: 'deepseek-id'}},
    engines: {max_retries: 0, request_timeout_seconds: 10},
    ...extra,
  })
  const env = {DEEPSEEK_API_KEY: KEY, CTO_STORE_URL: url, CTO_USER: user}
  // A project folder: cto task won't take the whole home folder as its workspace.
  const project = join(sb.home, 'project')
  await mkdir(project, {recursive: true})
  const run = async (args: string[], more: NodeJS.ProcessEnv = {}) => {
    const r = await sb.run(args, {env: {...env, ...more}, cwd: project})
    outputs.push(r)
    return r
  }
  return {sb, run, env}
}

async function freshDb(): Promise<string> {
  const name = `cli${db++}`
  await pg.createDatabase(name)
  return name
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, {withFileTypes: true}).catch(() => [])) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(p)))
    else if (e.isFile()) out.push(p)
  }
  return out
}

describe.skipIf(postgresMissing)(`the team store through the CLI${postgresMissing ? ` — skipped: ${postgresMissing}` : ''}`, () => {
  beforeAll(async () => {
    pg = await startPostgres({tls: true})
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return json({approved: true, quality: 8, feedback: 'fine'})
        if (isCto(r)) return json({complexity: 'moderate', type: 'analysis', model: 'deepseek', reason: 'reading'})
        return {content: 'Three fixes.', usage: {prompt_tokens: 300, completion_tokens: 50}}
      },
    })
  })
  beforeEach(() => {
    outputs = []
  })
  afterEach(async () => {
    // The password of the store URL appears in no output and no file of any member's HOME.
    for (const r of outputs) expect(`${r.stdout}\n${r.stderr}`).not.toContain(pg.password)
    for (const sb of sandboxes) {
      for (const f of await filesUnder(sb.home)) {
        // The user's own config holds the URL when they put it there (store.url); nothing cto writes may.
        if (f === sb.userConfigFile || (await stat(f)).size > 5_000_000) continue
        expect(await readFile(f, 'utf8'), f).not.toContain(pg.password)
      }
    }
    await Promise.all(sandboxes.map((s) => s.cleanup()))
    sandboxes = []
  })
  afterAll(async () => {
    await server?.close()
    await pg?.close()
  })

  it('cto task with the database down still runs and keeps its attempt locally; the next command delivers it exactly once', async () => {
    const url = pg.url(await freshDb())
    const alice = await member(url, 'alice')
    const first = await alice.run(['task', '--json', 'summarise the changelog'])
    expect(first.code, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({status: 'completed'})

    await pg.stop()
    try {
      const offline = await alice.run(['task', '--json', 'summarise the release notes'])
      expect(offline.code, offline.stderr).toBe(0)
      expect(JSON.parse(offline.stdout)).toMatchObject({status: 'completed', attempts: [{model: 'deepseek'}]})
      expect(JSON.parse(offline.stdout).notes.join('\n')).toMatch(/The team store postgres:\/\/cto@127\.0\.0\.1:\d+\/cli\d+ can't be reached \(connection refused[\s\S]*its attempts are kept in .*spool/)
      const human = await alice.run(['task', 'summarise the security advisories'])
      expect(human.code, human.stderr).toBe(0)
      expect(human.stderr).toMatch(/Warning: The team store postgres:\/\/cto@127\.0\.0\.1:\d+\/cli\d+ can't be reached \(connection refused/)
      const perfDown = await alice.run(['perf'])
      expect(perfDown.code).toBe(1)
      expect(perfDown.stderr).toMatch(/can't be reached[\s\S]*→ Check that the database server is running[\s\S]*CTO_STORE_URL/)
    } finally {
      await pg.start()
    }
    const spoolDir = (await filesUnder(join(alice.sb.dataHome, 'cto', 'team'))).filter((f) => /spool\/[0-9a-f]{32}\.json$/.test(f))
    expect(spoolDir).toHaveLength(2)

    const delivered = await alice.run(['perf', '--json'])
    expect(delivered.code, delivered.stderr).toBe(0)
    expect(delivered.stderr).toMatch(/Delivered 2 attempt\(s\) kept locally/)
    expect(JSON.parse(delivered.stdout)).toMatchObject({totals: {attempts: 3}, models: [{model: 'deepseek', attempts: 3}]})
    const again = await alice.run(['perf', '--json'])
    expect(again.stderr).not.toMatch(/Delivered/)
    expect(JSON.parse(again.stdout)).toMatchObject({totals: {attempts: 3}})
    const byUser = JSON.parse((await alice.run(['perf', '--by', 'user', '--json'])).stdout)
    expect(byUser.by_user).toMatchObject([{user: 'alice', attempts: 3, models: ['deepseek']}])
  })

  it("cto status shows the team's spending today per group, summed over members; cto perf --by user tells them apart", async () => {
    const url = pg.url(await freshDb())
    const alice = await member(url, 'alice@laptop')
    const bob = await member(url, 'bob@desk')
    const tokens: number[] = []
    for (const m of [alice, bob, bob]) {
      const r = await m.run(['task', '--json', '--no-review', '-m', 'deepseek', 'list the open issues'])
      expect(r.code, r.stderr).toBe(0)
      const t = JSON.parse(r.stdout) as {attempts: Array<{usage: {input_tokens: number; output_tokens: number}}>}
      tokens.push(t.attempts[0].usage.input_tokens + t.attempts[0].usage.output_tokens)
    }
    const status = JSON.parse((await alice.run(['status', '--json'])).stdout)
    expect(status.store).toMatchObject({kind: 'postgres', attempts: 3})
    expect(status.store.path).toMatch(/^postgres:\/\/cto@127\.0\.0\.1:\d+\/cli\d+$/)
    expect(status.budgets.external).toMatchObject({used_today: tokens.reduce((a, b) => a + b, 0), held_now: 0, scope: 'team', budget: 1_000_000})
    const human = await bob.run(['status'])
    expect(human.stdout).toMatch(new RegExp(`Store +team \\(PostgreSQL\\) postgres://cto@127\\.0\\.0\\.1:\\d+/cli\\d+ · 3 attempts`))
    expect(human.stdout).toMatch(new RegExp(`Team tokens today claude 0 / 100,000, external ${(tokens[0] * 3).toLocaleString('en-US')} / 1,000,000`))
    const table = await bob.run(['perf', '--by', 'user'])
    expect(table.stdout).toMatch(/^USER\s+TASKS\s+ATTEMPTS/m)
    expect(table.stdout).toMatch(/^bob@desk\s+2\s+2\s+100%.*deepseek$/m)
    expect(table.stdout).toMatch(/^alice@laptop\s+1\s+1\s+/m)
    expect(table.stdout).toMatch(/3 attempts by 2 people/)
  })

  it('cto store status, migrate and push; a newer schema is refused by every command', async () => {
    const name = await freshDb()
    const carol = await member(pg.url(name), 'carol')
    const before = JSON.parse((await carol.run(['store', 'status', '--json'])).stdout)
    expect(before).toMatchObject({kind: 'postgres', reachable: true, version: {applied: 0, supported: 2}, attempts: 0, setting: 'CTO_STORE_URL', spool: {pending: 0}})
    expect(before.latency_ms).toBeGreaterThan(0)
    expect(JSON.parse((await carol.run(['store', 'migrate', '--to', '1', '--json'])).stdout)).toMatchObject({from: 0, to: 1, applied: [{version: 1}]})
    const up = await carol.run(['store', 'migrate'])
    expect(up.stdout).toMatch(/Applied 2: per-team documents\nThe team store postgres:\/\/cto@127\.0\.0\.1:\d+\/cli\d+ is now at schema version 2 \(was 1\)\./)

    const local = await openStore({env: carol.sb.env, onWarning: () => {}})
    await local.recordMany(Array.from({length: 12}, (_, i) => ({...makeAttempt(3, i), user: 'carol', attempt_id: `c-${i}`})))
    expect(JSON.parse((await carol.run(['store', 'push', '--json'])).stdout)).toMatchObject({local_attempts: 12, attempts_added: 12, duplicates_skipped: 0})
    const twice = await carol.run(['store', 'push'])
    expect(twice.stdout).toMatch(/Pushed 12 local attempt\(s\) from .* to postgres:\/\/cto@.*: 0 added, 12 already there\./)
    const after = await carol.run(['store', 'status'])
    expect(after.stdout).toMatch(/^Schema +version 2 of 2, schema cto, PostgreSQL \d+/m)
    expect(after.stdout).toMatch(/^Size +[\d.]+ KB · 12 attempts, 0 imported totals, \d models$/m)
    expect(after.stdout).toMatch(/^Latency +[\d.]+ ms$/m)

    await pg.admin(`INSERT INTO cto.cto_migrations (version, name) VALUES (3, 'newer')`, name)
    for (const args of [['perf'], ['store', 'migrate'], ['task', '-m', 'deepseek', '--no-review', 'hello']]) {
      const r = await carol.run(args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr).toMatch(/has schema version 3, newer than this cto knows \(2\)[\s\S]*→ Upgrade cto/)
    }
    const status = await carol.run(['store', 'status', '--json'])
    expect(status.code).toBe(1)
    expect(JSON.parse(status.stdout)).toMatchObject({reachable: false, error: {code: 'STORE_SCHEMA_NEWER'}})
  })

  it('cto bench replay --store postgres replays in a schema of its own, with the results of --store disk, and leaves the team schema alone', async () => {
    const name = await freshDb()
    const frank = await member(pg.url(name), 'frank')
    await frank.run(['store', 'migrate'])
    const header = 'sample_id,eval_name,prompt,cheap,claude-dear,cheap|total_cost,claude-dear|total_cost,oracle_model_to_route_to'
    const rows = Array.from({length: 40}, (_, i) => `s${i},mbpp,"Write a function f${i}",${i % 4 === 0 ? 0 : 1},1,0.0001,0.01,cheap`)
    const file = join(frank.sb.home, 'tiny.csv')
    await writeFile(file, `${header}\n${rows.join('\n')}\n`)
    const runs = await Promise.all(['disk', 'postgres'].map((store) => frank.run(['bench', 'replay', file, '--seed', '3', '--store', store, '--json'])))
    for (const r of runs) expect(r.code, r.stderr).toBe(0)
    const [disk, team] = runs.map((r) => JSON.parse(r.stdout).all.result)
    expect(team).toEqual(disk)
    expect(await pg.admin(`SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE 'cto%'`, name)).toBe('cto')
    expect(await pg.admin('SELECT count(*) FROM cto.records', name)).toBe('0')
  })

  it('wrong password, missing database, TLS required: one clear error naming the setting, for cto perf and cto task alike', async () => {
    const name = await freshDb()
    const dave = await member(pg.url(name, {password: 'not-the-password'}), 'dave')
    for (const args of [['perf'], ['task', '--no-review', '-m', 'deepseek', 'hello']]) {
      const r = await dave.run(args)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/Error: The team store postgres:\/\/cto@127\.0\.0\.1:\d+\/cli\d+ refused the password of user "cto" \(from CTO_STORE_URL\)\.\n {2}→ Fix the password in CTO_STORE_URL/)
      expect(r.stderr).not.toContain('not-the-password')
    }
    // From the config file: the error names store.url in that file.
    const erin = await member('', 'erin', {store: {url: pg.url('nosuchdb')}})
    const missing = await erin.run(['perf', '--json'])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stdout).error).toMatchObject({code: 'STORE_DATABASE_MISSING', message: expect.stringContaining(`from store.url in ${erin.sb.userConfigFile}`)})
    const tls = await erin.run(['store', 'status'], {CTO_STORE_URL: pg.url('tls_only')})
    expect(tls.code).toBe(1)
    expect(tls.stdout).toMatch(/only accepts TLS connections[\s\S]*Add \?sslmode=require to CTO_STORE_URL/)
    const shown = await erin.run(['config', 'show', '--json'])
    expect(JSON.parse(shown.stdout).config.store.url).toMatch(/^postgres:\/\/cto@127\.0\.0\.1:\d+\/nosuchdb$/)
  })
})
