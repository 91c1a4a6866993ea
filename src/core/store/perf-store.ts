/**
 * The performance store: every attempt `cto task` makes, kept safely for years, summarised per
 * model and per model × task type, with today's token use per budget group.
 *
 * Design
 * ------
 * Folder `<dataDir>/perf/` (dataDir: `CTO_DATA_DIR`, else `$XDG_DATA_HOME/cto`; oclif's
 * plugin-plugins keeps its own files in `$XDG_DATA_HOME/cto`, hence the subfolder):
 *
 *   segments/attempts-000001.jsonl   raw lines, append-only; a new segment after `segmentBytes`
 *   aggregates.json                  running totals (lowdb document, see aggregates-file.ts)
 *   store.lock/                      proper-lockfile's lock folder (cross-process)
 *   quarantine/                      damaged files moved aside, named with a timestamp
 *
 * Writing one attempt, under the lock: read aggregates.json; make sure it counts every byte of
 * every segment (below); append the line to the active segment (O(1): one `appendFile`); fold it
 * into the totals; write aggregates.json atomically (write-file-atomic: unique temp name, fsync,
 * rename). The cost depends on the number of models, task types and days, not on the number of
 * records, so recording stays flat as history grows.
 *
 * Why this is safe with many processes: every read-modify-write of aggregates.json and every
 * append happens under one proper-lockfile lock (mkdir is atomic; the holder refreshes the lock's
 * mtime; a lock left by a killed process is taken over after `lockStaleMs`). lowdb alone is not
 * enough: its lock is per process and its temp-file name is fixed, so two processes lose updates
 * and can rename each other's half-written temp files. Here lowdb holds the document through an
 * adapter that writes atomically under unique names, and the lock serialises writers.
 *
 * Why it survives a crash: aggregates.json records, per segment, how many bytes it has counted.
 * If a writer dies after appending but before writing the totals, the next writer (or the next
 * open) sees a segment longer than counted and folds the missing lines in. A line cut off by a
 * kill, an unreadable line, or an aggregates file that does not parse is never dropped silently:
 * the file is moved aside into quarantine/ (kept, named with a timestamp), a warning names it, the
 * readable lines are kept, and the totals are rebuilt from the raw segments, which is exact
 * because the totals are a pure fold over the lines in append order (aggregates.ts).
 *
 * Readers (`stats`, `tokensToday`, the default `summary`) use the totals loaded at open: O(1).
 * `refresh()` reloads them; every write also reloads them under the lock. Only `--since`,
 * recent attempts, export and import scan the raw segments.
 */
import {createHash} from 'node:crypto'
import {createWriteStream} from 'node:fs'
import {appendFile, copyFile, link, mkdir, readdir, readFile, rename, rm, stat} from 'node:fs/promises'
import {basename, join} from 'node:path'
import {once} from 'node:events'
import type {Writable} from 'node:stream'
import writeFileAtomic from 'write-file-atomic'
import {CtoError} from '../errors.js'
import {dataDir} from '../paths.js'
import type {ModelGroup, TaskType} from '../providers/spec.js'
import {emptyAggregates, emptyStats, foldLine, localDate, noteSegment, type AggregatesDoc} from './aggregates.js'
import {AggregatesFile} from './aggregates-file.js'
import {isModelPerformance, readModelPerformance} from './legacy-performance.js'
import {summaryRows, type PerfSummary, type PerfSummaryOptions} from './perf-summary.js'
import {fileSize, listSegments, parseChunk, readRange, readSegment, segmentName, segmentSeq} from './segment-file.js'
import {attemptKey, isBaseline, parseStoreLine, type BaselineLine, type StoreLine} from './store-line.js'
import {withStoreLock} from './store-lock.js'
import type {AttemptRecord, PerfReader, PerfStats} from './types.js'

export interface OpenStoreOptions {
  /** The store folder itself. Default: `<dataDir(env)>/perf`. */
  dir?: string
  env?: NodeJS.ProcessEnv
  clock?: () => Date
  /** Told about damaged files moved aside and totals rebuilt. Default: a line on stderr. */
  onWarning?: (message: string) => void
  /** Start a new segment when the active one reaches this size. Default 4 MiB (~10,000 attempts). */
  segmentBytes?: number
  /** Take over a lock not refreshed for this long. Default 10,000 ms (proper-lockfile minimum 2,000). */
  lockStaleMs?: number
}

export interface StorePaths {
  dir: string
  aggregates: string
  segments: string
  quarantine: string
  lock: string
}

export interface StoreInfo {
  paths: StorePaths
  attempts: number
  /** Lines imported from model_performance.json. */
  baselines: number
  models: number
  segments: number
  bytes: number
  tokens_today: Record<ModelGroup, number>
}

export type ExportFormat = 'jsonl' | 'csv'

export interface ExportResult {
  format: ExportFormat
  attempts: number
  /** Baselines written (jsonl) or left out (csv has no form for them). */
  baselines: number
  baselines_skipped: number
  path?: string
}

export interface ImportResult {
  file: string
  format: 'jsonl' | 'csv' | 'json' | 'model_performance'
  attempts_added: number
  duplicates_skipped: number
  baselines_added: number
  /** model_performance.json already imported (same content): nothing added. */
  already_imported: boolean
  notes: string[]
}

export interface ResetResult {
  attempts: number
  baselines: number
  /** Where the old files went, when kept. */
  backup?: string
}

const DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024

const defaultWarning = (message: string) => {
  process.stderr.write(`Warning: ${message}\n`)
}

/** Open (or lazily create) the performance store. Reads the totals once; creates nothing until the first write. */
export async function openStore(opts: OpenStoreOptions = {}): Promise<PerfStore> {
  const store = new PerfStore(opts)
  await store.refresh()
  return store
}

export class PerfStore implements PerfReader {
  readonly path: string
  readonly paths: StorePaths
  private readonly clock: () => Date
  private readonly warn: (message: string) => void
  private readonly segmentBytes: number
  private readonly lockStaleMs: number
  private readonly file: AggregatesFile
  private doc: AggregatesDoc = emptyAggregates()

  constructor(opts: OpenStoreOptions = {}) {
    const dir = opts.dir ?? join(dataDir(opts.env ?? process.env), 'perf')
    this.path = dir
    this.paths = {
      dir,
      aggregates: join(dir, 'aggregates.json'),
      segments: join(dir, 'segments'),
      quarantine: join(dir, 'quarantine'),
      lock: join(dir, 'store.lock'),
    }
    this.clock = opts.clock ?? (() => new Date())
    this.warn = opts.onWarning ?? defaultWarning
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES
    this.lockStaleMs = opts.lockStaleMs ?? 10_000
    this.file = new AggregatesFile(this.paths.aggregates)
  }

  // ---- reading: O(1) on the loaded totals -------------------------------------------------

  stats(model: string, taskType?: TaskType): PerfStats {
    const s = taskType === undefined ? this.doc.models[model] : this.doc.model_types[model]?.[taskType]
    return s ? {...s} : emptyStats()
  }

  tokensToday(group: ModelGroup): number {
    return this.doc.tokens_by_day[localDate(this.clock())]?.[group] ?? 0
  }

  /** Models with any recorded or imported history. */
  models(): string[] {
    return [...new Set([...Object.keys(this.doc.models), ...Object.keys(this.doc.model_types)])].sort()
  }

  info(): StoreInfo {
    const segs = Object.values(this.doc.segments)
    return {
      paths: {...this.paths},
      attempts: this.doc.totals.attempts,
      baselines: this.doc.totals.baselines,
      models: this.models().length,
      segments: segs.length,
      bytes: segs.reduce((a, s) => a + s.bytes, 0),
      tokens_today: {claude: this.tokensToday('claude'), external: this.tokensToday('external')},
    }
  }

  /** Reload the totals from disk; repairs (under the lock) when they are damaged or behind the raw segments. */
  async refresh(): Promise<void> {
    const read = await this.file.read()
    if (read.status === 'ok' && !(await this.isBehind(read.doc))) {
      this.doc = read.doc
      return
    }
    if (read.status === 'missing' && (await listSegments(this.paths.segments)).length === 0) {
      this.doc = emptyAggregates()
      return
    }
    await this.locked(async () => {})
  }

  // ---- writing ---------------------------------------------------------------------------------

  async record(attempt: AttemptRecord): Promise<void> {
    await this.recordMany([attempt])
  }

  /** Record attempts in one locked write. Nothing is written if any attempt is invalid. */
  async recordMany(attempts: readonly AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return
    const {normalizeAttempt} = await import('./attempt-schema.js')
    const lines: AttemptRecord[] = []
    for (const [i, a] of attempts.entries()) {
      const r = normalizeAttempt(a)
      if (!r.ok) {
        throw new CtoError({
          code: 'PERF_RECORD_INVALID',
          message: `Attempt ${attempts.length > 1 ? `${i + 1} ` : ''}is not a valid record (${r.problem}); nothing was recorded.`,
          actions: ['This is a bug in the caller of the performance store; please report it.'],
        })
      }
      lines.push(r.value)
    }
    await this.locked(async (doc, save) => {
      await this.append(doc, lines)
      save()
    })
  }

  /**
   * Delete all history. With `backup` (default) the files are moved to `<dir>.reset-<time>/`
   * next to the store instead of deleted.
   */
  async reset(opts: {backup?: boolean} = {}): Promise<ResetResult> {
    const backup = opts.backup ?? true
    return this.locked(async (doc, save) => {
      const result: ResetResult = {attempts: doc.totals.attempts, baselines: doc.totals.baselines}
      const targets = [this.paths.segments, this.paths.aggregates, this.paths.quarantine]
      if (backup) {
        const to = `${this.paths.dir}.reset-${this.stamp()}`
        await mkdir(to, {recursive: true})
        for (const t of targets) await rename(t, join(to, basename(t))).catch(ignoreMissing)
        result.backup = to
      } else {
        for (const t of targets) await rm(t, {recursive: true, force: true})
      }
      Object.assign(doc, emptyAggregates())
      save()
      return result
    })
  }

  // ---- summaries -------------------------------------------------------------------------------

  /** `cto perf`: from the totals, or (with `since`) from a scan of raw attempts. */
  async summary(opts: PerfSummaryOptions = {}): Promise<PerfSummary> {
    let doc = this.doc
    let source: PerfSummary['source'] = 'aggregates'
    if (opts.since) {
      source = 'records'
      const sinceIso = opts.since.toISOString()
      doc = emptyAggregates()
      await this.scan((line) => {
        if (!isBaseline(line) && line.time >= sinceIso) foldLine(doc, line)
      }, {sinceIso})
    }
    const rows = summaryRows(doc, opts)
    const summary: PerfSummary = {
      source,
      filters: {
        ...(opts.since ? {since: opts.since.toISOString()} : {}),
        ...(opts.type ? {type: opts.type} : {}),
        ...(opts.model ? {model: opts.model} : {}),
      },
      empty: this.doc.totals.attempts === 0 && this.doc.totals.baselines === 0,
      ...rows,
      store: this.path,
    }
    if (opts.model !== undefined) summary.recent = await this.recent(opts.model, {...opts, limit: opts.recent ?? 10})
    return summary
  }

  /** The newest attempts of one model, newest first (scans segments from the newest). */
  async recent(model: string, opts: {limit?: number; type?: TaskType; since?: Date} = {}): Promise<AttemptRecord[]> {
    const limit = opts.limit ?? 10
    const sinceIso = opts.since?.toISOString()
    const found: AttemptRecord[] = []
    const names = (await listSegments(this.paths.segments)).reverse()
    for (const name of names) {
      const chunk = parseChunk(await readSegment(join(this.paths.segments, name)))
      for (let i = chunk.lines.length - 1; i >= 0 && found.length < limit; i--) {
        const line = chunk.lines[i]
        if (isBaseline(line) || line.model !== model) continue
        if (opts.type && line.task_type !== opts.type) continue
        if (sinceIso && line.time < sinceIso) continue
        found.push(line)
      }
      if (found.length >= limit) break
    }
    return found
  }

  /** Every readable line in append order. Damaged segments met on the way are repaired afterwards. */
  async scan(visit: (line: StoreLine) => void, opts: {sinceIso?: string} = {}): Promise<void> {
    const damaged: string[] = []
    for (const name of await listSegments(this.paths.segments)) {
      const file = join(this.paths.segments, name)
      const meta = this.doc.segments[name]
      if (opts.sinceIso && meta?.max_time && meta.max_time < opts.sinceIso) {
        // Skip only if the totals describe the whole segment (nothing appended since they were read).
        if ((await fileSize(file)) === meta.bytes) continue
      }
      const chunk = parseChunk(await readSegment(file))
      if (chunk.bad.length > 0) damaged.push(name)
      for (const line of chunk.lines) visit(line)
      // A trailing fragment may be a line another process is writing right now: not damage.
    }
    if (damaged.length > 0) await this.locked(async () => {}, {rebuild: `unreadable lines in ${damaged.join(', ')}`})
  }

  // ---- export / import -------------------------------------------------------------------------

  /** Write all history to a file path or a stream: jsonl (lossless) or csv (attempts only). */
  async export(format: ExportFormat, out: string | Writable): Promise<ExportResult> {
    const {ATTEMPT_FIELDS} = await import('./attempt-schema.js')
    const {csvHeader, csvRow} = await import('./attempt-csv.js')
    const result: ExportResult = {format, attempts: 0, baselines: 0, baselines_skipped: 0}
    const lines: StoreLine[] = []
    await this.scan((line) => lines.push(line))
    const tmp = typeof out === 'string' ? `${out}.tmp-${process.pid}` : undefined
    const stream = typeof out === 'string' ? createWriteStream(tmp as string) : out
    const write = async (text: string) => {
      if (!stream.write(text)) await once(stream, 'drain')
    }
    if (format === 'csv') await write(csvHeader(ATTEMPT_FIELDS))
    for (const line of lines) {
      if (isBaseline(line)) {
        if (format === 'csv') {
          result.baselines_skipped += 1
          continue
        }
        result.baselines += 1
        await write(JSON.stringify(line) + '\n')
        continue
      }
      result.attempts += 1
      await write(format === 'csv' ? csvRow(line, ATTEMPT_FIELDS) : JSON.stringify(line) + '\n')
    }
    if (typeof out === 'string') {
      stream.end()
      await once(stream, 'finish')
      await rename(tmp as string, out)
      result.path = out
    }
    if (result.baselines_skipped > 0) {
      this.warn(`${result.baselines_skipped} imported totals (from model_performance.json) have no CSV form and were left out; use --format jsonl to keep them.`)
    }
    return result
  }

  /**
   * Add history from a file: our jsonl or csv export, a JSON array of attempts, or the original
   * system's model_performance.json. Attempts already in the store (same task, time, model, step)
   * and a model_performance.json already imported are skipped. All-or-nothing: an invalid record
   * stops the import before anything is written.
   */
  async import(file: string): Promise<ImportResult> {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      throw new CtoError({
        code: 'PERF_IMPORT_UNREADABLE',
        message: `Cannot read ${file}: ${(error as Error).message}.`,
        actions: ['Check the path, then run "cto perf import FILE" again.'],
        cause: error,
      })
    }
    const sha256 = createHash('sha256').update(text).digest('hex')
    const result: ImportResult = {file, format: 'jsonl', attempts_added: 0, duplicates_skipped: 0, baselines_added: 0, already_imported: false, notes: []}
    const {candidates, baselines} = await this.parseImport(file, text, sha256, result)

    const {normalizeAttempt} = await import('./attempt-schema.js')
    const attempts: AttemptRecord[] = []
    const problems: string[] = []
    for (const c of candidates) {
      const r = normalizeAttempt(c.value)
      if (r.ok) attempts.push(r.value)
      else problems.push(`${c.where}: ${r.problem}`)
    }
    if (problems.length > 0) {
      throw new CtoError({
        code: 'PERF_IMPORT_INVALID',
        message: `${file} has ${problems.length} invalid record(s); nothing was imported.\n${problems.slice(0, 5).join('\n')}${problems.length > 5 ? `\n… and ${problems.length - 5} more` : ''}`,
        actions: ['Fix or remove those records, then import again.'],
      })
    }

    await this.locked(async (doc, save) => {
      const known = new Set<string>()
      await this.scanLocked((line) => {
        if (!isBaseline(line)) known.add(attemptKey(line))
      })
      const imported = new Set(doc.imports)
      const fresh: StoreLine[] = []
      for (const a of attempts) {
        const key = attemptKey(a)
        if (known.has(key)) {
          result.duplicates_skipped += 1
          continue
        }
        known.add(key)
        fresh.push(a)
      }
      for (const b of baselines) {
        if (imported.has(b.source_sha256)) {
          result.already_imported = true
          continue
        }
        fresh.push(b)
        result.baselines_added += 1
      }
      result.attempts_added = fresh.length - result.baselines_added
      if (fresh.length === 0) return
      await this.append(doc, fresh)
      save()
    })
    if (result.already_imported) result.notes.push(`${file} was imported before (same content); its totals were not added again.`)
    return result
  }

  private async parseImport(
    file: string,
    text: string,
    sha256: string,
    result: ImportResult,
  ): Promise<{candidates: Array<{where: string; value: unknown}>; baselines: BaselineLine[]}> {
    const trimmed = text.trimStart()
    const candidates: Array<{where: string; value: unknown}> = []
    const baselines: BaselineLine[] = []
    const unreadable = (why: string) =>
      new CtoError({
        code: 'PERF_IMPORT_INVALID',
        message: `${file} is not a performance export: ${why}.`,
        actions: ['Import a file written by "cto perf export" (jsonl or csv), or the original model_performance.json.'],
      })
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      let whole: unknown
      let parsedWhole = true
      try {
        whole = JSON.parse(text)
      } catch {
        parsedWhole = false
      }
      if (parsedWhole && isModelPerformance(whole)) {
        result.format = 'model_performance'
        const reading = readModelPerformance(whole, {source: file, sha256, importedAt: this.clock().toISOString()})
        result.notes.push(...reading.notes)
        return {candidates, baselines: reading.baselines}
      }
      if (parsedWhole && Array.isArray(whole)) {
        result.format = 'json'
        whole.forEach((value, i) => candidates.push({where: `item ${i + 1}`, value}))
        return {candidates, baselines}
      }
      if (trimmed.startsWith('[')) throw unreadable('it starts like a JSON array but does not parse')
      result.format = 'jsonl'
      text.split('\n').forEach((lineText, i) => {
        if (lineText.trim() === '') return
        let value: unknown
        try {
          value = JSON.parse(lineText)
        } catch {
          candidates.push({where: `line ${i + 1}`, value: lineText.slice(0, 40)})
          return
        }
        const asLine = typeof value === 'object' && value !== null && (value as {kind?: unknown}).kind === 'baseline' ? parseStoreLine(lineText) : undefined
        if (asLine && isBaseline(asLine)) baselines.push(asLine)
        else candidates.push({where: `line ${i + 1}`, value})
      })
      return {candidates, baselines}
    }
    const {csvToObjects, parseCsv} = await import('./attempt-csv.js')
    let rows: string[][]
    try {
      rows = parseCsv(text)
    } catch (error) {
      throw unreadable((error as Error).message)
    }
    if (!rows[0]?.includes('task_id')) throw unreadable('no JSON, and no CSV header with task_id')
    result.format = 'csv'
    csvToObjects(rows).forEach((value, i) => candidates.push({where: `row ${i + 2}`, value}))
    return {candidates, baselines}
  }

  // ---- internals -------------------------------------------------------------------------------

  /**
   * Take the lock, load the totals as they are on disk now (repairing or catching up when needed),
   * run `fn`, save when anything changed, release. `rebuild` forces a rebuild from the segments.
   */
  private async locked<T>(fn: (doc: AggregatesDoc, save: () => void) => Promise<T>, opts: {rebuild?: string} = {}): Promise<T> {
    return withStoreLock({dir: this.paths.dir, staleMs: this.lockStaleMs}, async () => {
      let doc: AggregatesDoc
      let changed = false
      const read = opts.rebuild ? undefined : await this.file.read()
      if (opts.rebuild) {
        doc = await this.rebuild(opts.rebuild)
        changed = true
      } else if (read?.status === 'corrupt') {
        const kept = await this.moveAside(this.paths.aggregates)
        doc = await this.rebuild(`${this.paths.aggregates} was damaged (${read.reason}); moved it to ${kept}`)
        changed = true
      } else if (read?.status === 'missing') {
        const segs = await listSegments(this.paths.segments)
        doc = segs.length > 0 ? await this.rebuild(`${this.paths.aggregates} was missing`) : emptyAggregates()
        changed = segs.length > 0
      } else {
        doc = (read as {doc: AggregatesDoc}).doc
        const caughtUp = await this.catchUp(doc)
        if (caughtUp === 'rebuild') {
          doc = await this.rebuild('the raw segments no longer match the totals')
          changed = true
        } else if (caughtUp > 0) changed = true
      }
      if (changed) await this.removeStaleTempFiles()
      const result = await fn(doc, () => {
        changed = true
      })
      if (changed) await this.file.write(doc)
      this.doc = doc
      return result
    })
  }

  /** Totals that do not count every byte of every segment (a writer died mid-write, or files changed). */
  private async isBehind(doc: AggregatesDoc): Promise<boolean> {
    const names = await listSegments(this.paths.segments)
    if (names.length !== Object.keys(doc.segments).length) return true
    for (const name of names) {
      if (doc.segments[name]?.bytes !== (await fileSize(join(this.paths.segments, name)))) return true
    }
    return false
  }

  /** Under the lock: fold lines appended but not counted. Returns how many, or 'rebuild' when only a rebuild can fix it. */
  private async catchUp(doc: AggregatesDoc): Promise<number | 'rebuild'> {
    const names = await listSegments(this.paths.segments)
    for (const name of Object.keys(doc.segments)) if (!names.includes(name)) return 'rebuild'
    let added = 0
    for (const name of names) {
      const file = join(this.paths.segments, name)
      const size = await fileSize(file)
      const counted = doc.segments[name]?.bytes ?? 0
      if (size === counted) continue
      if (size < counted) return 'rebuild'
      const tail = Buffer.from(doc.segments[name]?.tail ?? '', 'base64')
      const buf = await readRange(file, counted - tail.length, size)
      if (!buf.subarray(0, tail.length).equals(tail)) return 'rebuild'
      const fresh = buf.subarray(tail.length)
      const chunk = parseChunk(fresh)
      // Under the lock nobody is writing: a fragment is a line cut off by a crash.
      if (chunk.bad.length > 0 || chunk.fragment.length > 0) return 'rebuild'
      for (const line of chunk.lines) foldLine(doc, line)
      noteSegment(doc, name, fresh, chunk.lines)
      added += chunk.lines.length
    }
    if (added > 0) {
      this.warn(`Performance store: counted ${added} record(s) that an interrupted cto process had saved but not yet added to the totals.`)
    }
    return added
  }

  /** Under the lock: fresh totals from every segment, repairing damaged segments on the way. */
  private async rebuild(reason: string): Promise<AggregatesDoc> {
    const doc = emptyAggregates()
    const names = await listSegments(this.paths.segments)
    let lines = 0
    for (const name of names) {
      const file = join(this.paths.segments, name)
      const buf = await readSegment(file)
      const chunk = parseChunk(buf)
      let counted = buf
      if (chunk.bad.length > 0 || chunk.fragment.length > 0) {
        const kept = await this.moveAside(file, {copy: true})
        const good = chunk.texts.join('')
        await writeFileAtomic(file, good)
        counted = Buffer.from(good)
        const what = [
          chunk.bad.length > 0 ? `${chunk.bad.length} unreadable line(s) (line ${chunk.bad.slice(0, 5).join(', ')}${chunk.bad.length > 5 ? ', …' : ''})` : '',
          chunk.fragment.length > 0 ? `a cut-off last line (${chunk.fragment.length} bytes)` : '',
        ].filter(Boolean)
        this.warn(`Performance store: ${file} had ${what.join(' and ')}; kept the original as ${kept} and continued with its ${chunk.lines.length} readable record(s).`)
      }
      for (const line of chunk.lines) foldLine(doc, line)
      noteSegment(doc, name, counted, chunk.lines)
      lines += chunk.lines.length
    }
    this.warn(`Performance store: ${reason}. Rebuilt the totals from ${lines} raw record(s) in ${names.length} segment(s).`)
    return doc
  }

  /** Under the lock: every readable line of every segment (no repair; import's duplicate check). */
  private async scanLocked(visit: (line: StoreLine) => void): Promise<void> {
    for (const name of await listSegments(this.paths.segments)) {
      for (const line of parseChunk(await readSegment(join(this.paths.segments, name))).lines) visit(line)
    }
  }

  /** Under the lock: append lines to the active segment (starting new ones at the size limit) and fold them. */
  private async append(doc: AggregatesDoc, lines: readonly StoreLine[]): Promise<void> {
    await mkdir(this.paths.segments, {recursive: true})
    const names = await listSegments(this.paths.segments)
    let name = names.at(-1) ?? segmentName(1)
    let i = 0
    while (i < lines.length) {
      if ((doc.segments[name]?.bytes ?? 0) >= this.segmentBytes) name = segmentName(segmentSeq(name) + 1)
      const room = this.segmentBytes - (doc.segments[name]?.bytes ?? 0)
      const batch: StoreLine[] = []
      const texts: string[] = []
      let bytes = 0
      while (i < lines.length && (batch.length === 0 || bytes < room)) {
        const text = JSON.stringify(lines[i]) + '\n'
        texts.push(text)
        bytes += Buffer.byteLength(text)
        batch.push(lines[i])
        i += 1
      }
      const data = Buffer.from(texts.join(''))
      await appendFile(join(this.paths.segments, name), data)
      for (const line of batch) foldLine(doc, line)
      noteSegment(doc, name, data, batch)
    }
  }

  /**
   * Under the lock, after a repair: write-file-atomic temp files (`aggregates.json.<n>`) left by
   * a process killed mid-write (SIGKILL skips its exit cleanup). Only ones older than a minute.
   */
  private async removeStaleTempFiles(): Promise<void> {
    const names = await readdir(this.paths.dir).catch(() => [] as string[])
    const cutoff = Date.now() - 60_000
    for (const name of names) {
      if (!/^aggregates\.json\.\d+$/.test(name)) continue
      const file = join(this.paths.dir, name)
      const info = await stat(file).catch(() => undefined)
      if (info && info.mtimeMs < cutoff) await rm(file, {force: true})
    }
  }

  /** Keep a damaged file under quarantine/ with a timestamp. `copy` leaves the original in place (hard link or copy). */
  private async moveAside(file: string, opts: {copy?: boolean} = {}): Promise<string> {
    await mkdir(this.paths.quarantine, {recursive: true})
    const to = join(this.paths.quarantine, `${basename(file)}.damaged-${this.stamp()}`)
    if (opts.copy) await link(file, to).catch(() => copyFile(file, to))
    else await rename(file, to)
    return to
  }

  private stamp(): string {
    return `${this.clock().toISOString().replaceAll(':', '-').replace('.', '-')}-${process.pid}`
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}

/** Where the store lives for an environment, without opening it (for `cto status`). */
export function storeDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'perf')
}
