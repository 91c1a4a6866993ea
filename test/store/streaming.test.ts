/**
 * Import and export stream: 100,000 records (~45 MB of JSON lines) go through `cto perf export`
 * and `cto perf import` in processes whose JS heap is capped at 48 MB. Holding the file as one
 * string, or every record as an object, needs several times that (the first store peaked at
 * 2.3 GB importing 1 M records). The benchmark measures RSS at 10 M (npm run bench -- store).
 */
import {spawn} from 'node:child_process'
import {createReadStream} from 'node:fs'
import {createHash} from 'node:crypto'
import {dirname, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {openStore} from '../../src/core/store/perf-store.js'
import {makeAttempt} from './fixtures/attempts.js'
import {perfRunner, repoRoot, tempStoreDir} from './helpers.js'

function cappedPerf(dataDir: string, args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=48', '--conditions=@cto-cli/source', '--import', 'tsx', perfRunner, ...args], {
      cwd: repoRoot,
      env: {PATH: process.env.PATH, HOME: dataDir, CTO_DATA_DIR: dataDir},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
  })
}

const sha = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const h = createHash('sha256')
    createReadStream(file).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject)
  })

describe('import and export stream', () => {
  it('100,000 records: export, reset, import, export again in a 48 MB heap; the two exports are identical', async () => {
    const dir = await tempStoreDir()
    const dataDir = dirname(dir)
    const store = await openStore({dir})
    for (let b = 0; b < 10; b++) await store.recordMany(Array.from({length: 10_000}, (_, i) => makeAttempt(b, i)))
    const first = join(dataDir, 'first.jsonl')
    const second = join(dataDir, 'second.jsonl')

    const exp = await cappedPerf(dataDir, ['export', '--output', first, '--json'])
    expect(exp.code, exp.stderr).toBe(0)
    expect(JSON.parse(exp.stdout)).toMatchObject({attempts: 100_000})
    expect((await cappedPerf(dataDir, ['reset', '--yes', '--no-backup'])).code).toBe(0)
    const imp = await cappedPerf(dataDir, ['import', first, '--json'])
    expect(imp.code, imp.stderr).toBe(0)
    expect(JSON.parse(imp.stdout)).toMatchObject({attempts_added: 100_000, duplicates_skipped: 0})
    expect((await cappedPerf(dataDir, ['export', '--output', second])).code).toBe(0)
    expect(await sha(second)).toBe(await sha(first))
  }, 180_000)
})
