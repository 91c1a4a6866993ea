/**
 * The commit record. A record is in the store when, and only when, a state file says the
 * segment holding its line extends past it; the state also holds the totals that count it. So a
 * line and its totals become visible together, in one step, or not at all: a writer that dies
 * after appending but before committing leaves bytes past the committed end, which every reader
 * ignores and the next writer seals off (never truncates, see write-session.ts).
 *
 * The commit is fenced. State files are numbered by generation; a writer that read generation G
 * commits G+1 by hard-linking a fully written, fsynced temp file to `state/<G+1>.json`. link()
 * fails with EEXIST when the name exists, so of two writers that both read G — a paused one that
 * lost the lock and the one that took it over — exactly one commits; the other learns it lost and
 * says its record was not stored. After linking, the writer checks no newer generation exists
 * (a very stale writer could reuse a name the retention already deleted): then its commit is
 * the newest and final. link() is atomic on every local file system and on NFS, where it is the
 * classic exclusive-create.
 *
 * Readers list `state/` (1–3 files) and take the newest that parses; a damaged newest one (bad
 * disk, a planted test fault) falls back to the previous generation and says the totals may be
 * stale. Size: ~50 KB with 8 models × 6 task types and the 512-task window (most of it), so `cto
 * perf` pays the same ~0.5 ms to parse it at 100 or 10,000,000 records. Segment indexes and day rollups of
 * sealed segments live in the history file (written once per seal, ~4 MiB of records), read only
 * by scans, exports and reports.
 */
import {link, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {checkAggregates, emptyAggregates, type AggregatesDoc} from './aggregates.js'
import type {DayRollups} from './day-rollups.js'
import {isErrno, lockLostError, type StoreDoing} from './store-errors.js'
import {faultPoint} from './fault-points.js'
import {fsyncDir, listDir, unlinkQuietly, writeNewFile, type StorePaths} from './store-layout.js'

export const STATE_FORMAT = 2

/** One segment's committed extent and index. */
export interface SegmentMeta {
  id: number
  /** Committed bytes: lines past this were never acknowledged. */
  bytes: number
  lines: number
  /** Sequence numbers of its first and last committed line (strictly increasing inside). */
  first_seq: number
  last_seq: number
  /** crc of the last committed line: the tail is checked by content, not by size. */
  last_crc: string
  /** Attempt times (ISO, UTC) in the segment: `--since` skips segments that end before it. */
  min_time?: string
  max_time?: string
  /** Models with lines in the segment: `--model` skips segments without it. */
  models: string[]
  /** Bytes found past `bytes` when it was sealed: an unfinished write, not counted. */
  unacknowledged_bytes?: number
}

export interface StateDoc {
  format: typeof STATE_FORMAT
  gen: number
  /** Token of the lock holder that committed it. */
  writer: string
  written_at: string
  /** Last sequence number used (committed). */
  seq: number
  /** Id for the next segment file (ids are never reused, also across resets). */
  next_segment: number
  /** History file name (in history/), or null before the first seal. */
  history: string | null
  /** The segment being appended to, or null. */
  active: SegmentMeta | null
  /** Day rollups of the active segment's attempts. */
  days: DayRollups
  totals: AggregatesDoc
  /**
   * The commits this state was built on, newest first ({gen, writer} of its parent, grandparent, …;
   * the last LINEAGE_LENGTH). A writer that finds newer generations after its own link learns from
   * the newest one's lineage whether they were built on its commit (its record is stored) or its
   * link reused a name the retention had freed (it is not).
   */
  lineage?: Array<{gen: number; writer: string}>
}

export const LINEAGE_LENGTH = 64

/** The lineage a state built on `parent` carries. */
export function lineageAfter(parent: Pick<StateDoc, 'gen' | 'writer' | 'lineage'>): Array<{gen: number; writer: string}> {
  return [{gen: parent.gen, writer: parent.writer}, ...(parent.lineage ?? [])].slice(0, LINEAGE_LENGTH)
}

export interface HistoryDoc {
  format: typeof STATE_FORMAT
  /** Sealed segments, in append order. */
  segments: SegmentMeta[]
  /**
   * File (in history/) with the day rollups of every attempt in the sealed segments, or null.
   * Apart from the index because it is the bulk (three years × 8 models ≈ 1 MB of JSON) and
   * only reports read it; `--since` and `--model` read the index alone.
   */
  days: string | null
  /** Totals over every sealed segment: a repair of the active segment starts from here. */
  checkpoint: AggregatesDoc
}

const GEN_RE = /^(\d{12})\.json$/

export const stateFileName = (gen: number) => `${String(gen).padStart(12, '0')}.json`

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function checkMeta(v: unknown): string | undefined {
  if (!isObject(v)) return 'a segment entry is not an object'
  for (const k of ['id', 'bytes', 'lines', 'first_seq', 'last_seq'] as const) if (typeof v[k] !== 'number' || !Number.isInteger(v[k])) return `segment "${k}" is not a whole number`
  if (typeof v.last_crc !== 'string' || !Array.isArray(v.models)) return 'a segment entry is malformed'
  return undefined
}

export function checkState(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a JSON object'
  if (v.format !== STATE_FORMAT) return `unknown format ${JSON.stringify(v.format)}`
  for (const k of ['gen', 'seq', 'next_segment'] as const) if (typeof v[k] !== 'number') return `"${k}" is missing`
  if (v.history !== null && typeof v.history !== 'string') return '"history" is malformed'
  if (v.active !== null) {
    const bad = checkMeta(v.active)
    if (bad) return bad
  }
  if (!isObject(v.days)) return '"days" is missing'
  return checkAggregates(v.totals)
}

export function checkHistory(v: unknown): string | undefined {
  if (!isObject(v)) return 'not a JSON object'
  if (v.format !== STATE_FORMAT) return `unknown format ${JSON.stringify(v.format)}`
  if (!Array.isArray(v.segments) || (v.days !== null && typeof v.days !== 'string')) return 'malformed'
  for (const s of v.segments) {
    const bad = checkMeta(s)
    if (bad) return bad
  }
  return checkAggregates(v.checkpoint)
}

export interface DamagedFile {
  file: string
  why: string
}

export type StateRead =
  /** No state yet: a store never written (or only in the older layout: see `v1`). */
  | {kind: 'none'; maxGen: number}
  | {kind: 'ok'; state: StateDoc; file: string; maxGen: number; damaged: DamagedFile[]}
  /** State files exist, none readable. */
  | {kind: 'unreadable'; maxGen: number; damaged: DamagedFile[]}

async function readJson(file: string, check: (v: unknown) => string | undefined): Promise<{ok: true; value: unknown} | {ok: false; why: string; missing?: boolean}> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (isErrno(error) && error.code === 'ENOENT') return {ok: false, why: 'missing', missing: true}
    if (isErrno(error) && error.code === 'EISDIR') return {ok: false, why: 'it is a folder, not a file'}
    throw error
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return {ok: false, why: text.length === 0 ? 'the file is empty' : `not JSON (${(error as Error).message})`}
  }
  const problem = check(value)
  return problem ? {ok: false, why: problem} : {ok: true, value}
}

/** The newest readable state. Never writes. Retries when a file vanishes under it (retention by a writer). */
export async function readLatestState(paths: StorePaths): Promise<StateRead> {
  for (let attempt = 0; ; attempt++) {
    const gens = (await listDir(paths.state))
      .map((n) => GEN_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => b - a)
    if (gens.length === 0) return {kind: 'none', maxGen: 0}
    const damaged: DamagedFile[] = []
    let vanished = false
    for (const gen of gens) {
      const file = join(paths.state, stateFileName(gen))
      const r = await readJson(file, checkState)
      if (r.ok) return {kind: 'ok', state: r.value as StateDoc, file, maxGen: gens[0], damaged}
      if (r.missing) {
        vanished = true
        break
      }
      damaged.push({file, why: r.why})
    }
    if (!vanished || attempt >= 5) return {kind: 'unreadable', maxGen: gens[0], damaged}
  }
}

export async function readHistory(paths: StorePaths, name: string): Promise<{ok: true; doc: HistoryDoc} | {ok: false; file: string; why: string; missing?: boolean}> {
  const file = join(paths.history, name)
  const r = await readJson(file, checkHistory)
  return r.ok ? {ok: true, doc: r.value as HistoryDoc} : {ok: false, file, why: r.why, missing: r.missing}
}

/** Newest readable history file on disk, for a rebuild when no state is readable. */
export async function newestReadableHistory(paths: StorePaths): Promise<{name: string; doc: HistoryDoc} | undefined> {
  const names = (await listDir(paths.history)).filter((n) => /^\d{12}-[0-9a-f]+\.json$/.test(n)).sort().reverse()
  for (const name of names) {
    const r = await readHistory(paths, name)
    if (r.ok) return {name, doc: r.doc}
  }
  return undefined
}

export function emptyHistory(checkpoint: AggregatesDoc): HistoryDoc {
  return {format: STATE_FORMAT, segments: [], days: null, checkpoint}
}

/** Write a new history file (never overwritten: the name carries the generation and the writer's token). */
export async function writeHistory(paths: StorePaths, gen: number, token: string, doc: HistoryDoc): Promise<string> {
  const {mkdir} = await import('node:fs/promises')
  await mkdir(paths.history, {recursive: true})
  const name = `${String(gen).padStart(12, '0')}-${token.slice(0, 12)}.json`
  await writeNewFile(join(paths.history, name), JSON.stringify(doc))
  await fsyncDir(paths.history)
  return name
}

/** The day rollups of the sealed segments. */
export async function readDays(paths: StorePaths, name: string | null): Promise<DayRollups> {
  if (name === null) return {}
  const r = await readJson(join(paths.history, name), (v) => (isObject(v) ? undefined : 'not a JSON object'))
  if (!r.ok) throw Object.assign(new Error(`The store's day rollups ${join(paths.history, name)} are unreadable (${r.why}). Run "cto perf check --repair".`), {code: 'PERF_STORE_HISTORY'})
  return r.value as DayRollups
}

export async function writeDays(paths: StorePaths, gen: number, token: string, days: DayRollups): Promise<string> {
  const {mkdir} = await import('node:fs/promises')
  await mkdir(paths.history, {recursive: true})
  const name = `${String(gen).padStart(12, '0')}-${token.slice(0, 12)}.days.json`
  await writeNewFile(join(paths.history, name), JSON.stringify(days))
  return name
}

/**
 * Commit `state` as generation `state.gen` (the caller sets it to the newest generation it saw + 1).
 * Throws PERF_STORE_LOCK_LOST when another writer committed first: nothing of this commit is visible.
 */
export async function commitState(paths: StorePaths, state: StateDoc, token: string, assertHeld: () => Promise<void>, doing: StoreDoing = 'record'): Promise<void> {
  const {mkdir, unlink} = await import('node:fs/promises')
  if (state.gen === 1) {
    await mkdir(paths.state, {recursive: true})
    await fsyncDir(paths.dir)
  }
  const final = join(paths.state, stateFileName(state.gen))
  const tmp = join(paths.state, `.tmp-${token}-${state.gen}`)
  await writeNewFile(tmp, JSON.stringify(state))
  try {
    await assertHeld()
    await link(tmp, final)
  } catch (error) {
    await unlinkQuietly(tmp)
    if (isErrno(error) && error.code === 'EEXIST') throw lockLostError(`generation ${state.gen} was committed by another process`, doing)
    throw error
  }
  await unlink(tmp).catch(() => {})
  await fsyncDir(paths.state)
  faultPoint('after-link')
  const names = await listDir(paths.state)
  if (names.some((n) => Number(GEN_RE.exec(n)?.[1] ?? 0) > state.gen)) {
    // Paused between its link and this listing, the writer may have been overtaken by one that
    // read its commit and built on it: then its record is stored, and saying otherwise would make
    // a retry count it twice. Only a link that reused a freed name is not part of the store.
    if (await builtOn(paths, state.gen, token)) return
    await unlinkQuietly(final)
    throw lockLostError(`a newer generation than ${state.gen} exists`, doing)
  }
  await pruneStates(paths, state.gen, token, names)
}

/** Does the newest readable state descend from the commit `gen` that `writer` made? */
async function builtOn(paths: StorePaths, gen: number, writer: string): Promise<boolean> {
  const latest = await readLatestState(paths)
  if (latest.kind !== 'ok') return false
  const s = latest.state
  return (s.gen === gen && s.writer === writer) || (s.lineage ?? []).some((l) => l.gen === gen && l.writer === writer)
}

/**
 * After a commit (from the listing it made): keep the newest `keep` generations (a reader that lists, then reads, finds its
 * file even if two commits land in between), remove older ones and temp files of other writers
 * (a temp file is never a commit; a writer killed mid-write leaves one). Never fails the caller.
 */
async function pruneStates(paths: StorePaths, gen: number, token: string, names: string[], keep = 3): Promise<void> {
  const {unlink} = await import('node:fs/promises')
  try {
    for (const name of names) {
      const m = GEN_RE.exec(name)
      if (m ? Number(m[1]) <= gen - keep : name.startsWith('.tmp-') && !name.startsWith(`.tmp-${token}`)) {
        await unlink(join(paths.state, name)).catch(() => unlinkQuietly(join(paths.state, name)))
      }
    }
  } catch {
    // Retention is housekeeping: the commit already happened.
  }
}

/** Keep the two newest history and day files (the current ones and those a reader may still hold). */
export async function pruneHistories(paths: StorePaths, current: string, currentDays: string | null): Promise<void> {
  try {
    const all = await listDir(paths.history)
    for (const [re, cur] of [[/^\d{12}-[0-9a-f]+\.json$/, current], [/^\d{12}-[0-9a-f]+\.days\.json$/, currentDays]] as const) {
      if (cur === null) continue
      const names = all.filter((n) => re.test(n)).sort()
      const keepFrom = Math.max(0, names.indexOf(cur) - 1)
      for (const name of names.slice(0, keepFrom)) await unlinkQuietly(join(paths.history, name))
    }
  } catch {
    // Housekeeping only.
  }
}

/** The state of a store never written. */
export function freshState(totals: AggregatesDoc = emptyAggregates()): StateDoc {
  return {format: STATE_FORMAT, gen: 0, writer: '', written_at: '', seq: 0, next_segment: 1, history: null, active: null, days: {}, totals}
}

