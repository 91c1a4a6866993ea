/**
 * A full disk (ENOSPC), a read-only mount (EROFS) and a folder without write permission (EACCES),
 * for real: a 1 MiB tmpfs mounted in a user + mount namespace (`unshare -rm`, no root needed where
 * unprivileged user namespaces are allowed), and a store owned by another user. The scenarios run
 * inside the namespace (fixtures/disk-scenario.ts) and report what each `cto` process did.
 */
import {spawn, spawnSync} from 'node:child_process'
import {chmod, mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import {makeAttempt} from './fixtures/attempts.js'
import {perfRunner, repoRoot, writerScript} from './helpers.js'

const scenarioScript = fileURLToPath(new URL('./fixtures/disk-scenario.ts', import.meta.url))

function canMountTmpfs(): string | undefined {
  const probe = join(tmpdir(), `cto-tmpfs-probe-${process.pid}`)
  const r = spawnSync('sh', ['-c', `mkdir -p ${probe} && unshare -rm sh -c 'mount -t tmpfs -o size=64k tmpfs ${probe}'; s=$?; rmdir ${probe}; exit $s`], {encoding: 'utf8'})
  if (r.error) return `needs the unshare command (util-linux) to mount a small tmpfs: ${r.error.message}`
  return r.status === 0 ? undefined : `cannot mount a tmpfs in a user namespace here (unshare -rm: ${r.stderr.trim() || `exit ${r.status}`}); needs util-linux and unprivileged user namespaces`
}

const noTmpfs = canMountTmpfs()

async function scenario(name: 'enospc' | 'erofs'): Promise<Record<string, {code: number; stdout: string; stderr: string; count: number}> & {seed: number}> {
  const mnt = await mkdtemp(join(tmpdir(), 'cto-tmpfs-'))
  const outside = await mkdtemp(join(tmpdir(), 'cto-tmpfs-out-'))
  const script = `mount -t tmpfs -o size=1m tmpfs ${mnt} && exec ${process.execPath} --import tsx ${scenarioScript} ${name} ${mnt} ${outside}`
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('unshare', ['-rm', 'sh', '-c', script], {cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`scenario ${name} exited ${code}: ${stderr}`))))
  })
  return JSON.parse(out.trim().split('\n').at(-1) as string)
}

describe.skipIf(noTmpfs)(`a full disk and a read-only mount (1 MiB tmpfs in a user namespace)${noTmpfs ? ` — skipped: ${noTmpfs}` : ''}`, () => {
  it('ENOSPC: every failure names the path and the fix; nothing half-done is ever counted; a retry stores once', async () => {
    const r = await scenario('enospc')
    expect(r.seed).toBe(0)

    expect(r.fullRecord.code).toBe(1)
    expect(r.fullRecord.stderr).toMatch(/error PERF_STORE_ENOSPC 0: Cannot record: the disk holding \/\S+ is full .*Nothing was recorded/)
    expect(r.fullRecord.stderr).not.toMatch(/report it/)
    expect(r.fullRecord.count).toBe(20)

    // The disk filled after the line was appended: the commit failed, the record is not counted, and a retry is not a duplicate.
    expect(r.commitFull.code).toBe(1)
    expect(r.commitFull.stderr).toMatch(/error PERF_STORE_ENOSPC 0: .*\/perf\/state\/.* is full/)
    expect(r.commitFull.count).toBe(20)
    expect(r.commitRetry).toMatchObject({code: 0, count: 21})

    expect(r.importFull.code).toBe(1)
    expect(JSON.parse(r.importFull.stdout).error).toMatchObject({code: 'PERF_STORE_ENOSPC', message: expect.stringMatching(/Cannot import: the disk holding \/\S+ is full.*Nothing was imported/)})
    expect(r.importFull.count).toBe(21)
    expect(r.importRetry.code).toBe(0)
    expect(JSON.parse(r.importRetry.stdout)).toMatchObject({attempts_added: 200})
    expect(r.importRetry.count).toBe(221)

    // Reading a store that needs a repair, on a full disk: it answers, and says the totals are stale.
    expect(r.readFull.code, r.readFull.stderr).toBe(0)
    const read = JSON.parse(r.readFull.stdout)
    expect(read.totals.attempts).toBe(221)
    expect(read.health.stale).toBe(true)
    expect(r.repairFull.code).toBe(1)
    expect(r.repairFull.stderr).toMatch(/PERF_STORE_ENOSPC/)
    expect(r.repairAfter.code, r.repairAfter.stderr).toBe(0)
    expect(r.repairAfter.count).toBe(221)
  }, 180_000)

  it('EROFS: reads work on a read-only store (and say the totals are stale); writes fail naming the path and the fix', async () => {
    const r = await scenario('erofs')
    expect(r.seed).toBe(0)
    expect(r.read.code, r.read.stderr).toBe(0)
    expect(JSON.parse(r.read.stdout)).toMatchObject({totals: {attempts: 20}, health: {stale: true}})
    expect(r.readModel.code, r.readModel.stderr).toBe(0)
    expect(r.readModel.stdout).toContain('Recent attempts')
    expect(r.export.code, r.export.stderr).toBe(0)
    expect(JSON.parse(r.export.stdout)).toMatchObject({attempts: 19, unreadable: 1})
    expect(r.record.code).toBe(1)
    expect(r.record.stderr).toMatch(/error PERF_STORE_EROFS 0: Cannot record: \/\S+ is on a read-only file system/)
    expect(r.reset.code).toBe(1)
    expect(r.reset.stderr).toMatch(/read-only file system[\s\S]*→ Remount it read-write, or set CTO_DATA_DIR/)
  }, 180_000)
})

describe('a store this user may read but not write (EACCES)', () => {
  const asRoot = process.getuid?.() === 0
  it(`reads work, writes fail naming the path and the fix${asRoot ? ' (run as user nobody)' : ' (folder chmod 0555)'}`, async () => {
    const data = await mkdtemp(join(tmpdir(), 'cto-eacces-'))
    const dir = join(data, 'perf')
    const store = await openStore({dir})
    await store.recordMany(Array.from({length: 8}, (_, i) => makeAttempt(0, i)))
    await chmod(data, 0o755)
    if (!asRoot) for (const d of [dir, join(dir, 'state'), join(dir, 'segments')]) await chmod(d, 0o555)
    const as = asRoot ? {uid: 65534, gid: 65534} : {}
    const run = (args: string[]) =>
      new Promise<{code: number; stdout: string; stderr: string}>((resolve) => {
        const child = spawn(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', ...args], {cwd: repoRoot, env: {PATH: process.env.PATH, HOME: tmpdir(), CTO_DATA_DIR: data}, stdio: ['ignore', 'pipe', 'pipe'], ...as})
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d) => (stdout += d))
        child.stderr.on('data', (d) => (stderr += d))
        child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
      })
    try {
      const read = await run([perfRunner, 'index', '--json'])
      expect(read.code, read.stderr).toBe(0)
      expect(JSON.parse(read.stdout).totals.attempts).toBe(8)
      const write = await run([writerScript, dir, '1', '1'])
      expect(write.code).toBe(1)
      expect(write.stderr).toMatch(/error PERF_STORE_EACCES 0: Cannot record: no permission to use \/\S+/)
      expect(write.stderr).not.toMatch(/report it/)
      const exp = await run([perfRunner, 'export', '--output', join(tmpdir(), `cto-eacces-${process.pid}.jsonl`), '--json'])
      expect(exp.code, exp.stderr).toBe(0)
      expect(JSON.parse(exp.stdout)).toMatchObject({attempts: 8})
    } finally {
      if (!asRoot) for (const d of [dir, join(dir, 'state'), join(dir, 'segments')]) await chmod(d, 0o755)
    }
  }, 60_000)
})
