/**
 * Reading the file store without writing anything: the newest state, its health, the segment
 * list, scans by time and by model. `cto perf` on a read-only or full disk, on a store with a
 * damaged tail, or while another process is writing: it answers from the newest consistent state
 * and says what is stale, and leaves every repair to the next write.
 *
 * Indexes, so filters don't read everything: each segment's entry holds its attempts' time range
 * and models. `--since 1d` reads only segments whose newest attempt is within the day (one or two
 * of ~1,000 at 10 M records), and inside them parses only lines whose time (the first field, read
 * from the bytes) is recent enough. `--model M` reads segments newest first, from their ends, 64
 * KiB at a time, skipping segments without M, and stops at 10 attempts: at 10 M records that is
 * usually one read at the end of the active segment. A model with no totals reads nothing.
 */
import {readFile} from 'node:fs/promises'
import {emptyAggregates, type AggregatesDoc} from './aggregates.js'
import {mergeDays, type DayRollups} from './day-rollups.js'
import {checkTail, describeIssue, readSegmentBackward, type SegmentIssue} from './segment-io.js'
import {scanSegmentsSince} from './since-scan.js'
import {isErrno} from './store-errors.js'
import {segmentFile, v1SegmentNames, type StorePaths} from './store-layout.js'
import {freshState, readDays, readHistory, readLatestState, type HistoryDoc, type SegmentMeta, type StateDoc} from './store-state.js'
import type {StoreHealth} from './types.js'

export interface ReadView {
  state: StateDoc
  health: StoreHealth
  /** The store is in the older layout (aggregates.json): shown read-only, upgraded by the next write. */
  v1: boolean
}

const REPAIR_HINT = 'The next cto command that records repairs it, or run "cto perf check --repair".'

/** The newest state and its health. Never writes. */
export async function readView(paths: StorePaths): Promise<ReadView> {
  const read = await readLatestState(paths)
  const problems: string[] = []
  if (read.kind === 'none') {
    const v1 = await readV1Totals(paths)
    if (v1) return {state: freshState(v1), health: {stale: false, problems: []}, v1: true}
    return {state: freshState(), health: {stale: false, problems: []}, v1: false}
  }
  if (read.kind === 'unreadable') {
    problems.push(`No state file of the store could be read (${read.damaged.map((d) => `${d.file}: ${d.why}`).join('; ')}), so no totals are shown. ${REPAIR_HINT}`)
    return {state: freshState(), health: {stale: true, problems}, v1: false}
  }
  if (read.damaged.length > 0) {
    problems.push(`The newest state file is unreadable (${read.damaged.map((d) => `${d.file}: ${d.why}`).join('; ')}); these totals are from the one before and may miss the latest record(s). ${REPAIR_HINT}`)
  }
  const active = read.state.active
  if (active) {
    const {problem} = await checkTail(segmentFile(paths, active.id), active)
    if (problem) problems.push(`${problem}: the totals may count record(s) that can no longer be read. ${REPAIR_HINT}`)
  }
  return {state: read.state, health: {stale: problems.length > 0, problems}, v1: false}
}

/** Totals of the older layout, shown read-only until the next write upgrades the store. */
async function readV1Totals(paths: StorePaths): Promise<AggregatesDoc | undefined> {
  let text: string
  try {
    text = await readFile(paths.v1Aggregates, 'utf8')
  } catch (error) {
    if (isErrno(error) && (error.code === 'ENOENT' || error.code === 'EISDIR')) {
      return (await v1SegmentNames(paths)).length > 0 ? emptyAggregates() : undefined
    }
    throw error
  }
  try {
    const v = JSON.parse(text) as Omit<AggregatesDoc, 'version'> & {version: number; segments?: unknown}
    if (v.version !== 1 || typeof v.models !== 'object' || typeof v.totals !== 'object') return emptyAggregates()
    const {segments: _segments, ...rest} = v
    return {...rest, version: 2} as AggregatesDoc
  } catch {
    return emptyAggregates()
  }
}

export interface SegmentList {
  state: StateDoc
  history?: HistoryDoc
  segments: SegmentMeta[]
}

/** The state's segments in order (loads the history). Retries when a writer moved on meanwhile. */
export async function listSegments(paths: StorePaths, state: StateDoc): Promise<SegmentList> {
  let current = state
  for (let attempt = 0; attempt < 5; attempt++) {
    if (current.history === null) return {state: current, segments: current.active ? [current.active] : []}
    const h = await readHistory(paths, current.history)
    if (h.ok) return {state: current, history: h.doc, segments: [...h.doc.segments, ...(current.active ? [current.active] : [])]}
    if (!h.missing) throw historyError(h.file, h.why)
    const again = await readLatestState(paths)
    if (again.kind !== 'ok') break
    current = again.state
  }
  throw historyError(`${paths.history}/${current.history}`, 'missing')
}

function historyError(file: string, why: string): Error {
  return Object.assign(new Error(`The store's history file ${file} is unreadable (${why}). Run "cto perf check --repair".`), {code: 'PERF_STORE_HISTORY'})
}

export async function dailyRollups(paths: StorePaths, state: StateDoc): Promise<DayRollups> {
  const list = await listSegments(paths, state)
  return mergeDays(await readDays(paths, list.history?.days ?? null), list.state.days)
}

/**
 * Every committed record at or after `sinceIso` (attempts only), in append order, skipping
 * segments whose newest attempt is older and lines older than `sinceIso` without checksumming them
 * (since-scan.ts). Damage met on the way is returned, not repaired.
 */
export async function scanSince(paths: StorePaths, segments: SegmentMeta[], sinceIso: string, visit: (record: string) => void): Promise<SegmentIssue[]> {
  return scanSegmentsSince(segments, (seg) => segmentFile(paths, seg.id), sinceIso, visit)
}

/** The newest records of one model, or of every model when `model` is undefined (newest first), whose JSON passes `keep`, up to `limit`. */
export async function recentOf(
  paths: StorePaths,
  state: StateDoc,
  model: string | undefined,
  limit: number,
  keep: (record: string) => boolean,
  sinceIso?: string,
): Promise<{records: string[]; damaged: number}> {
  const found: string[] = []
  let damaged = 0
  if (limit <= 0) return {records: found, damaged}
  const needle = model === undefined ? '' : `"model":${JSON.stringify(model)}`
  const visitSegment = async (seg: SegmentMeta) => {
    if (model !== undefined && !seg.models.includes(model)) return
    if (sinceIso && (!seg.max_time || seg.max_time < sinceIso)) return
    const r = await readSegmentBackward(segmentFile(paths, seg.id), seg, (record) => {
      if (record.includes(needle) && keep(record)) found.push(record)
      return found.length < limit
    })
    damaged += r.damaged
  }
  if (state.active) await visitSegment(state.active)
  if (found.length >= limit || state.history === null) return {records: found, damaged}
  const list = await listSegments(paths, state)
  const sealed = list.history?.segments ?? []
  for (let i = sealed.length - 1; i >= 0 && found.length < limit; i--) await visitSegment(sealed[i])
  return {records: found, damaged}
}

export {describeIssue}
