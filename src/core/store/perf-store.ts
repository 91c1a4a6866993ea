/**
 * The performance store on files: every attempt `cto task` makes, kept for years, counted exactly
 * once whatever dies, pauses or fills up, summarised per model, per model × task type and per day.
 * The interface is types.ts (PerfStore); this class wires the parts:
 *
 *   store-layout.ts   folders and durable-write primitives        store-lock.ts   fenced lock
 *   store-state.ts    the commit record (fenced, one link())      write-session.ts one write, repairs
 *   line-codec.ts     `[seq,record,"crc"]` lines                  segment-io.ts   appends and scans
 *   store-reader.ts   reads that never write, indexed scans       store-export.ts / store-import.ts
 *
 * The guarantees, and where each is kept:
 * - durable before acknowledged: the segment and `state/` are fsynced before `record()` returns
 * - exactly once: a record counts when the state that covers its line is linked into place; a
 *   writer that dies or loses the lock before that leaves uncounted bytes, and is told "not stored"
 * - damage found by content: every line has a sequence number and a crc32; the last committed
 *   line is checked on every open and before every append
 * - reads never write: `cto perf` answers from the newest readable state on a read-only or full
 *   disk, and `health` says when the totals are stale; repairs happen on the next write
 * - every fs error names the path and the fix (store-errors.ts), exit 1
 * - scale: the state is ~50 KB whatever the history, so `cto perf` costs the same at 100 or 10 M
 *   records; filters use per-segment time and model indexes; import and export stream
 *
 * The folder: `<dataDir>/perf/` (dataDir: `CTO_DATA_DIR`, else `$XDG_DATA_HOME/cto`).
 */
import type {CascadeStateJson} from '../router/cascade-stats.js'
import {mkdir, rename, rm} from 'node:fs/promises'
import {join} from 'node:path'
import type {Writable} from 'node:stream'
import {CtoError} from '../errors.js'
import {dataDir} from '../paths.js'
import type {ModelGroup, TaskType} from '../providers/spec.js'
import {emptyAggregates, emptyStats, foldLine, localDate} from './aggregates.js'
import {summaryFilters, summaryRows} from './perf-summary.js'
import {fsStep, storeFsError, type StoreDoing} from './store-errors.js'
import {fsyncDir, listDir, segmentFile, segmentFileName, segmentIdsOnDisk, stamp, storePaths, v1SegmentNames, writeNewFile, type StorePaths} from './store-layout.js'
import {parseStoreLine, type StoreLine} from './store-line.js'
import {dailyRollups, listSegments, readView, recentOf, scanSince, type ReadView} from './store-reader.js'
import {freshState, stateFileName} from './store-state.js'
import {describeIssue, readSegment} from './segment-io.js'
import type {PendingLine, WriteSession} from './write-session.js'
import type {
  AttemptRecord,
  CheckResult,
  DayRollup,
  ExportFormat,
  ExportResult,
  ImportResult,
  LatestOptions,
  PerfBreakdown,
  PerfStats,
  PerfStore,
  PerfSummary,
  PerfSummaryOptions,
  ResetResult,
  StoreHealth,
  StoreInfo,
} from './types.js'

export type {PerfStore} from './types.js'
export type {ExportFormat, ExportResult, ImportResult, ResetResult, StoreInfo} from './types.js'
export type {StorePaths} from './store-layout.js'

export interface OpenStoreOptions {
  /** The store folder itself. Default: `<dataDir(env)>/perf`. */
  dir?: string
  env?: NodeJS.ProcessEnv
  clock?: () => Date
  /** Told about repairs, damage and upgrades. Default: a line on stderr. */
  onWarning?: (message: string) => void
  /** Start a new segment when the active one reaches this size. Default 4 MiB (~10,000 attempts). */
  segmentBytes?: number
  /** Take over a lock not refreshed for this long. Default 10,000 ms (proper-lockfile minimum 2,000). */
  lockStaleMs?: number
}

export interface FileStoreInfo extends StoreInfo {
  paths: StorePaths
}

const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024

const defaultWarning = (message: string) => {
  process.stderr.write(`Warning: ${message}\n`)
}

/** Open the performance store: reads the newest state (one small file). Creates and writes nothing. */
export async function openStore(opts: OpenStoreOptions = {}): Promise<FilePerfStore> {
  const store = new FilePerfStore(opts)
  await store.refresh()
  return store
}

export class FilePerfStore implements PerfStore {
  readonly path: string
  readonly location: string
  readonly paths: StorePaths
  private readonly clock: () => Date
  private readonly warn: (message: string) => void
  private readonly segmentBytes: number
  private readonly lockStaleMs: number
  private view: ReadView

  constructor(opts: OpenStoreOptions = {}) {
    const dir = opts.dir ?? join(dataDir(opts.env ?? process.env), 'perf')
    this.path = dir
    this.location = dir
    this.paths = storePaths(dir)
    this.clock = opts.clock ?? (() => new Date())
    this.warn = opts.onWarning ?? defaultWarning
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES
    this.lockStaleMs = opts.lockStaleMs ?? 10_000
    this.view = {state: freshState(), health: {stale: false, problems: []}, v1: false}
  }

  // ---- reading: O(1) on the loaded totals -------------------------------------------------

  private get totals() {
    return this.view.state.totals
  }

  stats(model: string, taskType?: TaskType): PerfStats {
    const s = taskType === undefined ? this.totals.models[model] : this.totals.model_types[model]?.[taskType]
    return s ? {...s} : emptyStats()
  }

  tokensToday(group: ModelGroup): number {
    return this.totals.tokens_by_day[localDate(this.clock())]?.[group] ?? 0
  }

  models(): string[] {
    return [...new Set([...Object.keys(this.totals.models), ...Object.keys(this.totals.model_types)])].sort()
  }

  cascade(): CascadeStateJson | null {
    return this.totals.cascade ?? null
  }

  health(): StoreHealth {
    return {stale: this.view.health.stale, problems: [...this.view.health.problems]}
  }

  info(): FileStoreInfo {
    return {
      location: this.location,
      paths: {...this.paths},
      attempts: this.totals.totals.attempts,
      baselines: this.totals.totals.baselines,
      models: this.models().length,
      tokens_today: {claude: this.tokensToday('claude'), external: this.tokensToday('external')},
      health: this.health(),
    }
  }

  /** Reload the newest state. Never writes; damage is reported in `health()`, repaired by the next write. */
  async refresh(): Promise<void> {
    this.view = await fsStep('read', this.paths.dir, () => readView(this.paths))
  }

  async close(): Promise<void> {}

  // ---- writing ---------------------------------------------------------------------------------

  /**
   * Run `fn` in a write session under the lock; a store in the older layout is upgraded first.
   * Afterwards the loaded totals are the ones just committed (or re-read after a failure).
   */
  private async write<T>(doing: StoreDoing, fn: (s: WriteSession) => Promise<T>): Promise<T> {
    // Loaded on the first write only: `cto perf` and the router never pay for the lock library.
    const [{withStoreLock}, {WriteSession}] = await Promise.all([import('./store-lock.js'), import('./write-session.js')])
    try {
      return await withStoreLock({dir: this.paths.dir, staleMs: this.lockStaleMs, doing}, async (lock) => {
        const begin = () => WriteSession.begin({paths: this.paths, lock, segmentBytes: this.segmentBytes, clock: this.clock, warn: this.warn, doing})
        let session = await begin()
        try {
          if (!session.hadState && (await this.hasV1Files())) {
            await this.upgradeV1(session)
            await session.close()
            session = await begin()
          }
          const result = await fn(session)
          // Repairs made on the way (a sealed tail, a rebuilt segment) are kept even when `fn` had nothing to commit.
          if (!session.committed && session.repaired) await session.commit()
          if (session.committed) this.view = {state: session.next, health: {stale: false, problems: []}, v1: false}
          else await this.refresh()
          return result
        } finally {
          await session.close()
        }
      })
    } catch (error) {
      await this.refresh().catch(() => {})
      throw storeFsError(error, doing, this.paths.dir)
    }
  }

  async record(attempt: AttemptRecord): Promise<void> {
    await this.recordMany([attempt])
  }

  /** Record attempts in one commit. Nothing is written if any attempt is invalid. */
  async recordMany(attempts: readonly AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return
    const {normalizeAttempt} = await import('./attempt-schema.js')
    const lines: PendingLine[] = []
    for (const [i, a] of attempts.entries()) {
      const r = normalizeAttempt(a)
      if (!r.ok) {
        throw new CtoError({
          code: 'PERF_RECORD_INVALID',
          message: `Attempt ${attempts.length > 1 ? `${i + 1} ` : ''}is not a valid record (${r.problem}); nothing was recorded.`,
          actions: ['This is a bug in the caller of the performance store; please report it.'],
        })
      }
      lines.push({json: JSON.stringify(r.value), line: r.value})
    }
    await this.write('record', async (session) => {
      await session.append(lines)
      await session.commit()
    })
  }

  /**
   * Delete all history. With `backup` (default) the files move to `<dir>.reset-<time>/` next to
   * the store (a store folder of its own: state/, history/, segments/). The empty state is
   * committed first (fenced like any write); files move only afterwards, so a crash in between
   * leaves them unreferenced (moved to quarantine by a later write), never a state that points
   * at missing files.
   */
  async reset(opts: {backup?: boolean} = {}): Promise<ResetResult> {
    const backup = opts.backup ?? true
    return this.write('reset', async (session) => {
      const old = structuredClone(session.next)
      const segments = await session.segments()
      const oldDays = (await session.loadHistory()).days
      const result: ResetResult = {attempts: old.totals.totals.attempts, baselines: old.totals.totals.baselines}
      const to = backup ? `${this.paths.dir}.reset-${stamp(this.clock())}` : join(this.paths.dir, `.reset-trash-${stamp(this.clock())}`)
      await mkdir(join(to, 'state'), {recursive: true})
      if (backup) await writeNewFile(join(to, 'state', stateFileName(old.gen || 1)), JSON.stringify({...old, gen: old.gen || 1}))
      await session.replaceWithEmpty()
      await session.commit()
      // Committed: from here on the old files are unreferenced. Move ours (ids below next_segment).
      const move = async (from: string, sub: string, name: string) => {
        await mkdir(join(to, sub), {recursive: true})
        await rename(from, join(to, sub, name)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error
        })
      }
      try {
        const ids = new Set([...segments.map((s) => s.id), ...(await segmentIdsOnDisk(this.paths)).filter((id) => id < old.next_segment)])
        for (const id of ids) await move(segmentFile(this.paths, id), 'segments', segmentFileName(id))
        if (old.history) await move(join(this.paths.history, old.history), 'history', old.history)
        if (oldDays) await move(join(this.paths.history, oldDays), 'history', oldDays)
        for (const name of await listDir(this.paths.quarantine)) await move(join(this.paths.quarantine, name), 'quarantine', name)
        await fsyncDir(this.paths.segments).catch(() => {})
        await fsyncDir(join(to, 'segments')).catch(() => {})
        if (backup) result.backup = to
        else await rm(to, {recursive: true, force: true})
      } catch (error) {
        this.warn(`The store was reset, but moving the old files to ${to} failed (${(error as Error).message}); whatever stayed behind will be moved to ${this.paths.quarantine}.`)
      }
      return result
    })
  }

  // ---- summaries -------------------------------------------------------------------------------

  /** `cto perf`: from the totals, or (with `since`) from the segments the time index says are recent enough. */
  async summary(opts: PerfSummaryOptions = {}): Promise<PerfSummary> {
    let doc = this.totals
    let source: PerfSummary['source'] = 'aggregates'
    if (opts.since) {
      source = 'records'
      doc = emptyAggregates()
      const folded = doc
      await this.scan((line) => foldLine(folded, line), {sinceIso: opts.since.toISOString()})
    }
    const rows = summaryRows(doc, opts)
    const summary: PerfSummary = {
      source,
      filters: summaryFilters(opts),
      empty: this.totals.totals.attempts === 0 && this.totals.totals.baselines === 0,
      ...rows,
      store: this.path,
      health: this.health(),
    }
    if (opts.by === 'user') {
      const {UserFold} = await import('./user-summary.js')
      const fold = new UserFold(opts)
      await this.scan((line) => 'kind' in line || fold.add(line), opts.since ? {sinceIso: opts.since.toISOString()} : {})
      summary.source = 'records'
      summary.by_user = fold.rows()
    }
    if (opts.model !== undefined) summary.recent = await this.recent(opts.model, {...opts, limit: opts.recent ?? 10})
    return summary
  }

  /**
   * Every committed record in append order (attempts at or after `sinceIso` only, when given: then
   * segments that end before it are not read). Damage is reported in a warning, never repaired here.
   */
  async scan(visit: (line: StoreLine) => void, opts: {sinceIso?: string} = {}): Promise<void> {
    if (this.view.v1) throw this.needsUpgrade()
    const issues = await fsStep('read', this.paths.dir, async () => {
      const {segments} = await listSegments(this.paths, this.view.state)
      if (opts.sinceIso !== undefined) {
        return scanSince(this.paths, segments, opts.sinceIso, (record) => {
          const line = parseStoreLine(record)
          if (line) visit(line)
        })
      }
      const found = []
      for (const seg of segments) {
        const r = await readSegment(segmentFile(this.paths, seg.id), seg, (v) => {
          const line = parseStoreLine(v.bytes.toString('utf8', v.recStart, v.recEnd))
          if (line) visit(line)
        })
        found.push(...r.issues)
      }
      return found
    })
    if (issues.length > 0) this.warn(`Performance store: damage found while reading (${issues.slice(0, 3).map(describeIssue).join('; ')}); those records are left out. Run "cto perf check --repair".`)
  }

  /** The newest attempts of one model, newest first: segments without the model are skipped, the rest read from their ends. */
  async recent(model: string, opts: {limit?: number; type?: TaskType; since?: Date} = {}): Promise<AttemptRecord[]> {
    if (!this.totals.models[model] && !this.totals.model_types[model]) return []
    return this.newest(model, opts.limit ?? 10, opts)
  }

  /** The newest attempts of every model, newest first, read from the ends of the newest segments. */
  async latest(opts: LatestOptions): Promise<AttemptRecord[]> {
    return this.newest(undefined, opts.limit, opts)
  }

  private async newest(model: string | undefined, limit: number, opts: {type?: TaskType; since?: Date}): Promise<AttemptRecord[]> {
    if (this.view.v1) return []
    const sinceIso = opts.since?.toISOString()
    const parsed: AttemptRecord[] = []
    const read = () =>
      recentOf(this.paths, this.view.state, model, limit, (record) => {
        const line = parseStoreLine(record) as StoreLine | undefined
        if (!line || 'kind' in line || (model !== undefined && line.model !== model)) return false
        if (opts.type && line.task_type !== opts.type) return false
        if (sinceIso && line.time < sinceIso) return false
        parsed.push(line)
        return true
      }, sinceIso)
    const {damaged} = await fsStep('read', this.paths.dir, async () => {
      try {
        return await read()
      } catch (error) {
        // A segment moved away meanwhile (a reset, a repair): read the newer state once more.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        parsed.length = 0
        this.view = await readView(this.paths)
        return read()
      }
    })
    if (damaged > 0) this.warn(`Performance store: ${damaged} damaged line(s) skipped while reading recent attempts${model === undefined ? '' : ` of ${model}`}. Run "cto perf check --repair".`)
    return parsed
  }

  /** Per model × task type and where tasks went: from the totals, or (with `since`) from the attempts since then. */
  async breakdown(opts: {since?: Date} = {}): Promise<PerfBreakdown> {
    let doc = this.totals
    if (opts.since) {
      doc = emptyAggregates()
      const folded = doc
      await this.scan((line) => foldLine(folded, line), {sinceIso: opts.since.toISOString()})
    }
    return {
      source: opts.since ? 'records' : 'aggregates',
      by_model_type: structuredClone(doc.model_types),
      first_served: structuredClone(doc.routes?.first ?? {}),
      escalations: structuredClone(doc.routes?.escalations ?? {}),
    }
  }

  async dailyRollups(): Promise<Record<string, DayRollup>> {
    if (this.view.v1) throw this.needsUpgrade()
    return fsStep('read', this.paths.dir, () => dailyRollups(this.paths, this.view.state))
  }

  // ---- export / import / check -------------------------------------------------------------

  async export(format: ExportFormat, out: string | Writable): Promise<ExportResult> {
    const {exportStore} = await import('./store-export.js')
    try {
      return await exportStore(this.paths, format, out, this.warn)
    } catch (error) {
      throw storeFsError(error, 'export', this.paths.dir)
    }
  }

  /**
   * Add history from a file: our jsonl or csv export, a JSON array of attempts, or the original
   * system's model_performance.json. All or nothing; see store-import.ts.
   */
  async import(file: string): Promise<ImportResult> {
    const {validateImportFile, writeImport} = await import('./store-import.js')
    const validated = await validateImportFile(file, this.clock().toISOString())
    return this.write('import', (session) => writeImport(session, file, validated))
  }

  /** Read every record back and verify it (checksums, sequence, counts); `repair` rebuilds from what can be read. */
  async check(opts: {repair?: boolean} = {}): Promise<CheckResult> {
    await this.refresh()
    const result: CheckResult = {ok: true, records: 0, problems: [...this.view.health.problems], repaired: []}
    if (this.view.v1) result.problems.push(`The store at ${this.paths.dir} is in the layout of an older cto; "cto perf check --repair" (or any command that records) upgrades it.`)
    else {
      await fsStep('read', this.paths.dir, async () => {
        let segments: Awaited<ReturnType<typeof listSegments>>['segments'] = []
        try {
          segments = (await listSegments(this.paths, this.view.state)).segments
        } catch (error) {
          result.problems.push((error as Error).message)
        }
        let prev = 0
        for (const seg of segments) {
          if (seg.first_seq <= prev) result.problems.push(`segment ${segmentFileName(seg.id)} starts at sequence ${seg.first_seq}, not after ${prev}`)
          prev = seg.last_seq
          const r = await readSegment(segmentFile(this.paths, seg.id), seg, () => {})
          result.records += r.good
          for (const i of r.issues.slice(0, 5)) result.problems.push(describeIssue(i))
        }
      })
    }
    result.ok = result.problems.length === 0
    if (!result.ok && opts.repair) {
      const upgrade = this.view.v1
      await this.write('repair', async (session) => {
        if (upgrade) {
          result.repaired.push('Upgraded the store from the older layout.')
          return
        }
        const {records, lost} = await session.rebuildAll(`"cto perf check --repair" found: ${result.problems[0]}`, [])
        await session.commit()
        result.repaired.push(`Rebuilt the totals from ${records} readable record(s)${lost > 0 ? `; ${lost} record(s) could not be read and are no longer counted` : ''}. Damaged files are kept in ${this.paths.quarantine}.`)
      })
    }
    return result
  }

  // ---- the older layout ----------------------------------------------------------------------

  private needsUpgrade(): CtoError {
    return new CtoError({
      code: 'PERF_STORE_NEEDS_UPGRADE',
      message: `The store at ${this.paths.dir} is in the layout of an older cto; it is upgraded by the next command that records (that needs write access).`,
      actions: ['Run "cto perf check --repair" once (it upgrades the store), then run this again.'],
    })
  }

  private async hasV1Files(): Promise<boolean> {
    const {stat} = await import('node:fs/promises')
    const agg = await stat(this.paths.v1Aggregates).then(() => true, () => false)
    return agg || (await v1SegmentNames(this.paths)).length > 0
  }

  /**
   * One-time upgrade from the older layout (aggregates.json + attempts-NNNNNN.jsonl): its lines
   * are the jsonl export format, so they are validated and appended like an import, committed
   * once; the old files then move to `upgraded-from-v1-<time>/` in the store folder.
   */
  private async upgradeV1(session: WriteSession): Promise<void> {
    const {normalizeAttempt, normalizeBaseline} = await import('./attempt-schema.js')
    const {readImportSource} = await import('./import-source.js')
    const names = await v1SegmentNames(this.paths)
    let kept = 0
    const skipped: string[] = []
    for (const name of names) {
      await readImportSource(join(this.paths.segments, name), async (items) => {
        const lines: PendingLine[] = []
        for (const item of items) {
          const r = item.kind === 'baseline' ? normalizeBaseline(item.value) : item.kind === 'attempt' ? normalizeAttempt(item.value) : {ok: false as const, problem: String(item.value)}
          if (!r.ok) {
            skipped.push(`${name} ${item.where}: ${r.problem}`)
            continue
          }
          lines.push({json: JSON.stringify(r.value), line: r.value})
        }
        kept += lines.length
        await session.append(lines)
      })
    }
    await session.commit()
    const to = join(this.paths.dir, `upgraded-from-v1-${stamp(this.clock())}`)
    await mkdir(to, {recursive: true})
    for (const name of names) await rename(join(this.paths.segments, name), join(to, name))
    await rename(this.paths.v1Aggregates, join(to, 'aggregates.json')).catch(() => {})
    this.warn(`Performance store: upgraded ${kept} record(s) from the older layout${skipped.length > 0 ? `; ${skipped.length} unreadable line(s) were left out (${skipped.slice(0, 3).join('; ')})` : ''}. The old files are kept in ${to}.`)
  }
}

/** Where the store lives for an environment, without opening it (for `cto status`). */
export function storeDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'perf')
}
