/** Shared bits for store tests: temp folders, a child-process writer, and an independent tally of raw records. */
import {spawn} from 'node:child_process'
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {AttemptRecord, PerfStats} from '../../src/core/store/types.js'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
export const writerScript = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url))

export async function tempStoreDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'cto-store-')), 'perf')
}

export function startWriter(dir: string, writer: number, count: number | 'forever') {
  return spawn(process.execPath, ['--import', 'tsx', writerScript, dir, String(writer), String(count)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

export function runWriter(dir: string, writer: number, count: number): Promise<{code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = startWriter(dir, writer, count)
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr}))
  })
}

const zero = (): PerfStats => ({attempts: 0, successes: 0, quality_count: 0, quality_sum: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, duration_ms: 0, escalations: 0, tasks: 0})

/**
 * Stats computed straight from raw records, exactly (all task ids remembered), written
 * independently of the store's fold: key is `model` or `model|type`.
 */
export function tally(records: AttemptRecord[]): Map<string, PerfStats> {
  const out = new Map<string, PerfStats>()
  const tasks = new Map<string, Set<string>>()
  const get = (k: string) => {
    if (!out.has(k)) out.set(k, zero())
    if (!tasks.has(k)) tasks.set(k, new Set())
    return out.get(k) as PerfStats
  }
  const byTask = new Map<string, AttemptRecord[]>()
  for (const r of records) {
    for (const k of [r.model, `${r.model}|${r.task_type}`]) {
      const s = get(k)
      s.attempts++
      if (r.approved ?? r.success) s.successes++
      if (r.quality !== undefined) {
        s.quality_count++
        s.quality_sum += r.quality
      }
      s.input_tokens += r.input_tokens
      s.output_tokens += r.output_tokens
      s.cost_usd += r.cost_usd
      s.duration_ms += r.duration_ms
      tasks.get(k)?.add(r.task_id)
    }
    byTask.set(r.task_id, [...(byTask.get(r.task_id) ?? []), r])
  }
  for (const attempts of byTask.values()) {
    for (const a of attempts) {
      if (attempts.some((b) => b.escalation_step === a.escalation_step + 1)) {
        get(a.model).escalations++
        get(`${a.model}|${a.task_type}`).escalations++
      }
    }
  }
  for (const [k, s] of out) s.tasks = tasks.get(k)?.size ?? 0
  return out
}

/** Every attempt line in the raw segments, read without the store (independent check). */
export async function readRawAttempts(dir: string): Promise<AttemptRecord[]> {
  const {readdir, readFile} = await import('node:fs/promises')
  const segDir = join(dir, 'segments')
  const names = (await readdir(segDir)).filter((n) => n.endsWith('.jsonl')).sort()
  const out: AttemptRecord[] = []
  for (const n of names) {
    for (const line of (await readFile(join(segDir, n), 'utf8')).split('\n')) {
      if (line.trim() === '') continue
      const v = JSON.parse(line)
      if (v.kind !== 'baseline') out.push(v)
    }
  }
  return out
}

/** Expect the store's totals to match an independent tally of raw records. */
export function statsMismatches(store: {stats: (m: string, t?: never) => PerfStats}, records: AttemptRecord[]): string[] {
  const problems: string[] = []
  for (const [key, want] of tally(records)) {
    const [model, type] = key.split('|')
    const got = store.stats(model, type as never)
    for (const f of Object.keys(want) as Array<keyof PerfStats>) {
      if (Math.abs((got[f] ?? 0) - (want[f] ?? 0)) > 1e-6) problems.push(`${key}.${f}: store ${got[f]}, raw ${want[f]}`)
    }
  }
  return problems
}
