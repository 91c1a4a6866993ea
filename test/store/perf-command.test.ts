import {execFile} from 'node:child_process'
import {mkdtemp, readFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {parseCsv} from '../../src/core/store/attempt-csv.js'
import {openStore} from '../../src/core/store/perf-store.js'
import {makeAttempt} from './fixtures/attempts.js'
import {repoRoot} from './helpers.js'

const runner = fileURLToPath(new URL('./fixtures/run-perf-command.ts', import.meta.url))
const legacy = fileURLToPath(new URL('./fixtures/model_performance.json', import.meta.url))

function cto(home: string, name: string, args: string[] = []): Promise<{code: number; stdout: string; stderr: string}> {
  const env = {PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), NO_COLOR: '1'}
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', runner, name, ...args], {cwd: repoRoot, env}, (error, stdout, stderr) => {
      resolve({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr})
    })
  })
}

describe('cto perf commands (run from sources as child processes)', () => {
  it('empty store explains how to get data in; import, summary, --model, export and reset work end to end', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cto-perf-cmd-'))
    const empty = await cto(home, 'index')
    expect(empty.code).toBe(0)
    expect(empty.stdout).toContain('No attempts recorded yet')
    expect(empty.stdout).toContain('cto perf import')

    const imported = await cto(home, 'import', [legacy, '--json'])
    expect(imported.code).toBe(0)
    expect(JSON.parse(imported.stdout)).toMatchObject({format: 'model_performance', baselines_added: 7})

    const store = await openStore({dir: join(home, 'data', 'cto', 'perf')})
    for (let i = 0; i < 6; i++) await store.record(makeAttempt(0, i))

    const table = await cto(home, 'index')
    expect(table.stdout).toMatch(/^MODEL\s+TASKS\s+ATTEMPTS\s+SUCCESS\s+QUALITY\s+AVG TOKENS\s+AVG TIME\s+COST\s+ESCALATED$/m)
    expect(table.stdout).toMatch(/^deepseek\s+4\d\s+4\d\s+/m)

    const json = JSON.parse((await cto(home, 'index', ['--json'])).stdout)
    expect(json.models.map((r: {model: string}) => r.model)).toContain('haiku')
    expect(json.warnings).toEqual([])

    const one = await cto(home, 'index', ['--model', 'kimi', '--recent', '2'])
    expect(one.stdout).toContain('By task type')
    expect(one.stdout).toContain('Recent attempts')

    const since = JSON.parse((await cto(home, 'index', ['--since', '2025-01-01', '--json'])).stdout)
    expect(since).toMatchObject({source: 'records', totals: {attempts: 6}})
    expect((await cto(home, 'index', ['--since', 'whenever'])).stderr).toContain('Cannot read --since "whenever"')

    const csv = join(home, 'out.csv')
    const exported = await cto(home, 'export', ['--format', 'csv', '--output', csv, '--json'])
    expect(JSON.parse(exported.stdout)).toMatchObject({attempts: 6, baselines_skipped: 7})
    expect(parseCsv(await readFile(csv, 'utf8'))).toHaveLength(1 + 6)

    // A file argument that isn't there is a usage error (64), as for cto task --file; nothing is imported.
    const missing = await cto(home, 'import', [join(home, 'no-such-export.jsonl')])
    expect(missing.code).toBe(64)
    expect(missing.stderr).toContain('no-such-export.jsonl: no such file. Nothing was imported.')

    const refused = await cto(home, 'reset')
    expect(refused.code).toBe(64)
    expect(refused.stderr).toContain('cto perf reset --yes')
    const reset = JSON.parse((await cto(home, 'reset', ['--yes', '--json'])).stdout)
    expect(reset).toMatchObject({reset: true, attempts: 6, baselines: 7})
    expect(reset.backup).toContain('perf.reset-')
    expect((await cto(home, 'index')).stdout).toContain('No attempts recorded yet')
  }, 120_000)
})

describe('cto perf, costs under a hundredth of a cent', () => {
  it('shows them with two significant digits (the cost column and the total said "$0.0000")', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cto-perf-cmd-'))
    const store = await openStore({dir: join(home, 'data', 'cto', 'perf')})
    for (let i = 0; i < 3; i++) await store.record({...makeAttempt(0, i * 2), model: 'deepseek', cost_usd: 0.000007})
    const table = await cto(home, 'index')
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/^deepseek\s.*\s\$0\.000021\s/m)
    expect(table.stdout).toContain('3 attempts, $0.000021.')
  }, 60_000)
})

describe('cto perf check', () => {
  it('verifies every record; finds damage anywhere, says the fix, and --repair rebuilds from what can be read', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cto-perf-check-'))
    const dir = join(home, 'data', 'cto', 'perf')
    const store = await openStore({dir, segmentBytes: 4096})
    await store.recordMany(Array.from({length: 40}, (_, i) => makeAttempt(0, i)))
    const ok = await cto(home, 'check')
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('OK: 40 record(s) verified')

    // Damage in the middle of an old, sealed segment: no read of the totals would notice.
    const {readdir, open} = await import('node:fs/promises')
    const first = join(dir, 'segments', (await readdir(join(dir, 'segments'))).sort()[0])
    const fh = await open(first, 'r+')
    await fh.write(Buffer.from('XXXX'), 0, 4, 100)
    await fh.close()
    const found = await cto(home, 'check')
    expect(found.code).toBe(1)
    expect(found.stderr).toMatch(/has problems \(39 record\(s\) verified\)[\s\S]*00000001\.jsonl line 1 \(byte 0\): checksum mismatch[\s\S]*→ cto perf check --repair/)

    const repaired = await cto(home, 'check', ['--repair', '--json'])
    expect(repaired.code, repaired.stderr).toBe(0)
    expect(JSON.parse(repaired.stdout).repaired.join(' ')).toMatch(/Rebuilt the totals from 39 readable record\(s\); 1 record\(s\) could not be read/)
    expect((await cto(home, 'check')).code).toBe(0)
    expect(JSON.parse((await cto(home, 'index', ['--json'])).stdout).totals.attempts).toBe(39)
  }, 120_000)
})
