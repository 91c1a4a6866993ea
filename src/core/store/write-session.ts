/**
 * One write, under the lock: read the newest state, check the active segment's tail by content,
 * append lines, fold them into a copy of the totals, commit. Used by record, import, reset,
 * repair and the one-time upgrade of the older layout.
 *
 * Order of a record (each step's failure leaves the store as it was):
 *   1. lock; read state G; check the active segment: its last committed line must decode and
 *      carry the committed sequence number and crc (a zeroed or torn tail is found here, by
 *      content); bytes past the committed end (a writer that died before committing, never
 *      acknowledged) → the segment is sealed there and a new one started — nothing is truncated
 *   2. append the line (O_APPEND, read back at the expected offset), fsync the segment
 *   3. fold into the totals; write state G+1 to a temp file, fsync, link() it into place
 *      (EEXIST: another writer won, nothing of ours is visible), fsync `state/`
 *   4. only now return: the record is durable and counted once
 * A crash anywhere before the link leaves bytes nobody counts; after it, a committed record.
 *
 * Cost per record, measured by `npm run bench -- store` on this machine: see README ("Performance
 * store"): two fsyncs and one folder fsync, one ~50 KB state write, independent of history size.
 */
import {cascadeStateFromJson, cascadeStateToJson, emptyCascadeState, foldCascade, observationFromAttempt, type CascadeState} from '../router/cascade-stats.js'
import {copyFile, link, mkdir, rename, type FileHandle} from 'node:fs/promises'
import {join} from 'node:path'
import {CtoError} from '../errors.js'
import {emptyAggregates, failedBefore, foldLine, localDate, nonFiniteTotal, pruneTokenDays} from './aggregates.js'
import {addDays, foldDay, type DayRollups} from './day-rollups.js'
import {faultPoint} from './fault-points.js'
import {encodeLine, encodedCrc} from './line-codec.js'
import {appendAt, checkTail, describeIssue, lineWithNewline, openForAppend, readSegment, fileSize} from './segment-io.js'
import {fsStep, isErrno, lockLostError, type StoreDoing} from './store-errors.js'
import {fsyncDir, segmentFile, segmentFileName, segmentIdsOnDisk, stamp, type StorePaths} from './store-layout.js'
import type {LockSession} from './store-lock.js'
import {isBaseline, parseStoreLine, type StoreLine} from './store-line.js'
import {
  commitState,
  lineageAfter,
  emptyHistory,
  freshState,
  newestReadableHistory,
  pruneHistories,
  readHistory,
  readDays,
  readLatestState,
  writeDays,
  writeHistory,
  type HistoryDoc,
  type SegmentMeta,
  type StateDoc,
} from './store-state.js'

export interface WriteSessionOptions {
  paths: StorePaths
  /** What the write is for, so an fs error says what was not done. */
  doing: StoreDoing
  lock: LockSession
  segmentBytes: number
  clock: () => Date
  warn: (message: string) => void
}

/** A line to append: its normalised JSON and the parsed value (for folding). */
export interface PendingLine {
  json: string
  line: StoreLine
}

const FLUSH_BYTES = 256 * 1024

/**
 * A segment is also sealed when its attempts span this many local dates: the state carries the
 * active segment's day rollups and is rewritten on every record, so it must stay small for a store
 * that records 20 attempts a day (a 4 MiB segment would span over a year: ~300 KB of day rollups
 * in every write). Measured: a record took 10 ms instead of 5 with a year of dates in the state.
 */
const MAX_ACTIVE_DAYS = 31

const clone = <T>(v: T): T => structuredClone(v)

export class WriteSession {
  next: StateDoc
  private history?: HistoryDoc
  private historyDirty = false
  /** Day rollups of the sealed segments: loaded at the first seal, written with the history. */
  private days?: DayRollups
  private fh?: FileHandle
  private pending: Buffer[] = []
  private pendingLines: PendingLine[] = []
  private pendingBytes = 0
  private readonly pendingDays = new Set<string>()
  private readonly created: number[] = []
  /** The commit happened: everything appended is in the store. */
  committed = false
  /** `begin()` repaired or sealed something that only a commit keeps. */
  repaired = false
  private maxGen = 0
  private cascade?: CascadeState
  private cascadeDirty = false
  /** Set when the newest state was missing but the older layout (aggregates.json) is present. */
  hadState = false

  private constructor(private readonly o: WriteSessionOptions) {
    this.next = freshState()
  }

  static async begin(o: WriteSessionOptions): Promise<WriteSession> {
    const s = new WriteSession(o)
    const read = await readLatestState(o.paths)
    s.maxGen = read.maxGen
    if (read.kind === 'ok') {
      s.hadState = true
      s.next = read.state // freshly parsed, not shared: no copy needed
      s.next.lineage = lineageAfter(read.state)
      if (read.damaged.length > 0) {
        await s.recoverAfterFallback(read.damaged)
        s.repaired = true
      }
    } else if (read.kind === 'unreadable') {
      s.hadState = true
      await s.rebuildAll(`no state file could be read (${read.damaged.map((d) => `${d.file}: ${d.why}`).join('; ')})`, read.damaged.map((d) => d.file))
      s.repaired = true
    }
    await s.prepareActive()
    return s
  }

  get paths(): StorePaths {
    return this.o.paths
  }

  // ---- appending -----------------------------------------------------------------------------

  /** Append lines (in memory until 256 KiB, then written). Nothing is visible before `commit()`. */
  async append(lines: readonly PendingLine[]): Promise<void> {
    for (const p of lines) {
      const encoded = encodeLine(this.next.seq + 1 + this.pendingLines.length, p.json)
      const active = this.next.active
      const day = isBaseline(p.line) ? undefined : localDate(new Date(p.line.time))
      const newDay = day !== undefined && !(day in this.next.days) && !this.pendingDays.has(day)
      const full =
        active !== null &&
        active.lines + this.pendingLines.length > 0 &&
        (active.bytes + this.pendingBytes + encoded.length > this.o.segmentBytes || (newDay && Object.keys(this.next.days).length + this.pendingDays.size >= MAX_ACTIVE_DAYS))
      if (!active || full) {
        await this.flush()
        if (this.next.active) await this.seal()
        await this.newSegment()
      }
      if (day !== undefined) this.pendingDays.add(day)
      this.pending.push(encoded)
      this.pendingLines.push(p)
      this.pendingBytes += encoded.length
      if (this.pendingBytes >= FLUSH_BYTES) await this.flush()
    }
  }

  private async flush(): Promise<void> {
    if (this.pendingLines.length === 0) return
    const active = this.next.active as SegmentMeta
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending)
    const file = segmentFile(this.o.paths, active.id)
    await this.o.lock.assertHeld()
    if (!(await fsStep(this.o.doing, file, () => appendAt(this.fh as FileHandle, data, active.bytes)))) {
      throw lockLostError(`another process appended to ${file} at the same time`, this.o.doing)
    }
    for (const [i, p] of this.pendingLines.entries()) this.fold(active, p, this.pending[i])
    this.pending = []
    this.pendingLines = []
    this.pendingBytes = 0
    this.pendingDays.clear()
  }

  /** The learned cascade state, folded with the totals (in memory; committed as JSON with them). */
  private cascadeState(): CascadeState {
    if (!this.cascade) {
      const json = this.next.totals.cascade
      try {
        this.cascade = json ? cascadeStateFromJson(json) : emptyCascadeState()
      } catch (error) {
        throw new CtoError({
          code: 'PERF_STORE_CASCADE_UNREADABLE',
          message: `The router's learned state in the performance store (${this.o.paths.dir}) can't be read: ${(error as Error).message}. Nothing was recorded.`,
          actions: ['Rebuild it from the recorded attempts: cto perf check --repair'],
        })
      }
    }
    return this.cascade
  }

  private fold(active: SegmentMeta, p: PendingLine, encoded: Buffer): void {
    if (!isBaseline(p.line)) {
      const failed = failedBefore(this.next.totals, p.line)
      foldCascade(this.cascadeState(), observationFromAttempt(p.line, {failed_before: failed, features: p.line.features ?? []}))
      this.cascadeDirty = true
    }
    this.next.seq += 1
    active.bytes += encoded.length
    active.lines += 1
    active.last_seq = this.next.seq
    active.last_crc = encodedCrc(encoded)
    foldLine(this.next.totals, p.line)
    if (!isBaseline(p.line)) {
      foldDay(this.next.days, p.line)
      noteAttempt(active, p.line.model, p.line.time)
    } else if (!active.models.includes(p.line.model)) active.models.push(p.line.model)
  }

  private async newSegment(): Promise<void> {
    await mkdir(this.o.paths.segments, {recursive: true})
    for (let tries = 0; ; tries++) {
      const id = this.next.next_segment++
      try {
        await this.o.lock.assertHeld()
        this.fh = await openForAppend(segmentFile(this.o.paths, id), true)
      } catch (error) {
        // A file with this id and no commit: left by a writer that lost the lock or was killed. Skip
        // past every such id: an import killed mid-way leaves one per segment it wrote (dozens, where
        // skipping one id at a time gave up after 20 and every later record failed with EEXIST).
        if (isErrno(error) && error.code === 'EEXIST' && tries < 20) {
          this.next.next_segment = Math.max(this.next.next_segment, ...(await segmentIdsOnDisk(this.o.paths)).map((onDisk) => onDisk + 1))
          continue
        }
        throw error
      }
      this.created.push(id)
      await fsyncDir(this.o.paths.segments)
      this.next.active = {id, bytes: 0, lines: 0, first_seq: this.next.seq + 1, last_seq: this.next.seq, last_crc: '', models: []}
      return
    }
  }

  private async closeActive(sync: boolean): Promise<void> {
    if (!this.fh) return
    const fh = this.fh
    this.fh = undefined
    try {
      if (sync) await fsStep(this.o.doing, this.activeFile(), () => fh.datasync())
    } finally {
      await fh.close()
    }
  }

  private activeFile(): string {
    return this.next.active ? segmentFile(this.o.paths, this.next.active.id) : this.o.paths.segments
  }

  async loadHistory(): Promise<HistoryDoc> {
    if (this.history) return this.history
    if (this.next.history === null) {
      this.history = emptyHistory(emptyAggregates())
      return this.history
    }
    const r = await readHistory(this.o.paths, this.next.history)
    if (!r.ok) {
      await this.rebuildAll(`the history file ${r.file} could not be read (${r.why})`, [])
      return this.history as unknown as HistoryDoc
    }
    this.history = r.doc
    return r.doc
  }

  private async loadDays(): Promise<DayRollups> {
    if (!this.days) this.days = await readDays(this.o.paths, (await this.loadHistory()).days)
    return this.days
  }

  /** Close the active segment: its index, day rollup and the totals so far go to the history. */
  private async seal(unacknowledged?: number): Promise<void> {
    const active = this.next.active
    if (!active) return
    await this.closeActive(true)
    const history = await this.loadHistory()
    if (active.lines > 0) {
      if (unacknowledged) active.unacknowledged_bytes = unacknowledged
      history.segments.push(active)
    }
    addDays(await this.loadDays(), this.next.days)
    if (this.cascade) this.next.totals.cascade = cascadeStateToJson(this.cascade)
    history.checkpoint = clone(this.next.totals)
    this.next.days = {}
    this.next.active = null
    this.historyDirty = true
  }

  // ---- the active segment before writing -------------------------------------------------------

  /** Step 1: check the active segment's tail by content; seal off unacknowledged bytes; repair damage. */
  private async prepareActive(): Promise<void> {
    const active = this.next.active
    if (!active) return
    const file = segmentFile(this.o.paths, active.id)
    // One handle for the check and the append: opened read-write, O_APPEND, never O_CREAT.
    let fh: FileHandle | undefined
    try {
      fh = await openForAppend(file, false)
    } catch (error) {
      if (!isErrno(error) || !['ENOENT', 'EISDIR'].includes(error.code as string)) throw error
    }
    const {problem, size} = await checkTail(file, active, fh)
    if (problem) {
      await fh?.close()
      this.repaired = true
      await this.repairActive(problem)
      return
    }
    this.fh = fh
    if (size > active.bytes) {
      this.o.warn(
        `Performance store: ${file} has ${size - active.bytes} bytes after its last committed record: an unfinished write by a cto process that was killed or lost the lock. That record was never acknowledged and is not counted; the bytes stay in the file, and new records go to a new segment.`,
      )
      this.repaired = true
      await this.seal(size - active.bytes)
    }
  }

  /** Keep a damaged file's bytes: hard link (or copy) it into quarantine/, the original stays. */
  async keepCopy(file: string, why: string): Promise<string | undefined> {
    await mkdir(this.o.paths.quarantine, {recursive: true})
    const to = join(this.o.paths.quarantine, `${file.split('/').slice(-2).join('-')}.${why}-${stamp(this.o.clock())}`)
    try {
      await link(file, to)
    } catch (error) {
      if (isErrno(error) && error.code === 'ENOENT') return undefined
      const {stat} = await import('node:fs/promises')
      // A folder where a file should be can't be linked or copied: move it aside (its name is
      // then free; a stale writer reusing it is caught by the newest-generation check).
      if ((await stat(file)).isDirectory()) await rename(file, to)
      else await copyFile(file, to)
    }
    return to
  }

  /**
   * The active segment's committed tail is damaged (zeroed or torn by a power cut, truncated, or
   * missing). Its readable lines are copied to a new segment, the damaged file is kept in
   * quarantine, and the totals are rebuilt from the history's checkpoint plus those lines: so the
   * totals count exactly what can be read back, and the warning says how many records were lost.
   */
  private async repairActive(problem: string): Promise<void> {
    const active = this.next.active as SegmentMeta
    const file = segmentFile(this.o.paths, active.id)
    const history = await this.loadHistory()
    const kept = await this.keepCopy(file, 'damaged')
    this.next.totals = clone(history.checkpoint)
    // The learned state goes back to the checkpoint's too, and is re-folded with the readable lines.
    this.cascade = undefined
    this.cascadeDirty = true
    this.next.days = {}
    this.next.active = null
    const good: PendingLine[] = []
    const seqs: number[] = []
    const texts: Buffer[] = []
    const {issues} = await readSegment(file, active, (v) => {
      const json = v.bytes.toString('utf8', v.recStart, v.recEnd)
      const line = parseStoreLine(json)
      if (!line) return
      good.push({json, line})
      seqs.push(v.seq)
      texts.push(lineWithNewline(v))
    }, {checkMeta: false})
    if (good.length > 0) await this.copyLines(good, seqs, texts)
    const lost = active.lines - good.length
    this.o.warn(
      `Performance store: ${problem}. ${kept ? `Kept the damaged file as ${kept}; ` : ''}${good.length} of its ${active.lines} committed record(s) were readable and are kept in a new segment${lost > 0 ? `; ${lost} could not be read and are no longer counted` : ''}. The totals were rebuilt from the raw records.${issues.length > 0 ? ` (First problem: ${describeIssue(issues[0])}.)` : ''}`,
    )
  }

  /** Append lines that already have sequence numbers (a repair moving readable lines). */
  private async copyLines(lines: PendingLine[], seqs: number[], texts: Buffer[]): Promise<void> {
    await this.newSegment()
    const active = this.next.active as SegmentMeta
    active.first_seq = seqs[0]
    const data = Buffer.concat(texts)
    await this.o.lock.assertHeld()
    if (!(await appendAt(this.fh as FileHandle, data, 0))) throw lockLostError('another process wrote to a new segment')
    const seqBefore = this.next.seq
    for (const [i, p] of lines.entries()) {
      this.next.seq = seqs[i] - 1
      this.fold(active, p, texts[i])
    }
    this.next.seq = Math.max(seqBefore, this.next.seq)
  }

  /**
   * The newest state file was unreadable and an older one was used. Lines committed by the lost
   * generation(s) follow the older state's ends with consecutive sequence numbers: they are found
   * by content and counted again (they were acknowledged). Bytes of a write that was never
   * committed look the same and may be counted too; the warning says so.
   */
  private async recoverAfterFallback(damaged: Array<{file: string; why: string}>): Promise<void> {
    const kept: string[] = []
    for (const d of damaged) {
      const to = await this.keepCopy(d.file, 'damaged')
      if (to) kept.push(to)
    }
    let recovered = 0
    const active = this.next.active
    if (active) {
      const file = segmentFile(this.o.paths, active.id)
      const size = await fileSize(file)
      if (size > active.bytes) recovered += await this.adoptChain(file, active, size)
    }
    for (const id of await segmentIdsOnDisk(this.o.paths)) {
      if (id < this.next.next_segment) continue
      const file = segmentFile(this.o.paths, id)
      const size = await fileSize(file)
      const probe: SegmentMeta = {id, bytes: 0, lines: 0, first_seq: this.next.seq + 1, last_seq: this.next.seq, last_crc: '', models: []}
      const n = await this.adoptChain(file, probe, size, true)
      if (n > 0) {
        if (this.next.active) await this.seal()
        this.next.active = probe
        this.next.next_segment = id + 1
        recovered += n
      }
    }
    this.o.warn(
      `Performance store: the newest state file was unreadable (${damaged.map((d) => `${d.file}: ${d.why}`).join('; ')}); kept it as ${kept.join(', ') || '(gone)'}. Continued from the previous state and recounted ${recovered} record(s) written after it${recovered > 0 ? ' (found by sequence number and checksum)' : ''}.`,
    )
  }

  /** Fold consecutive-sequence lines found after `meta.bytes` into `meta`. Returns how many. */
  private async adoptChain(file: string, meta: SegmentMeta, size: number, fromStart = false): Promise<number> {
    let n = 0
    let stopped = false
    await readSegment(
      file,
      {...meta, bytes: size},
      (v) => {
        if (stopped || v.seq !== this.next.seq + 1 || v.offset !== meta.bytes) {
          stopped = true
          return
        }
        const json = v.bytes.toString('utf8', v.recStart, v.recEnd)
        const line = parseStoreLine(json)
        if (!line) {
          stopped = true
          return
        }
        this.fold(meta, {json, line}, lineWithNewline(v))
        n += 1
      },
      {fromOffset: fromStart ? 0 : meta.bytes, checkMeta: false},
    )
    return n
  }

  /**
   * Rebuild everything from the raw segments: when no state can be read, when the history is
   * lost, or when `cto perf check --repair` found damage in a sealed segment. Segments come from
   * the newest readable history (their committed ends), then every later segment on disk, with
   * sequence numbers rising. Damaged segments are kept in quarantine and their readable lines
   * copied to new segments. Cost: one read of every record (10 M records: minutes), only on damage.
   */
  async rebuildAll(reason: string, damagedStates: string[]): Promise<{records: number; lost: number}> {
    for (const f of damagedStates) await this.keepCopy(f, 'damaged')
    await this.closeActive(false)
    const known = this.next.history ? await readHistory(this.o.paths, this.next.history) : undefined
    const hist = known?.ok ? {doc: known.doc} : await newestReadableHistory(this.o.paths)
    const listed: SegmentMeta[] = hist ? [...hist.doc.segments] : []
    if (this.next.active && !listed.some((s) => s.id === this.next.active?.id)) listed.push(this.next.active)
    const maxListed = listed.reduce((m, s) => Math.max(m, s.id), 0)
    const onDisk = await segmentIdsOnDisk(this.o.paths)
    const sources: Array<{id: number; meta?: SegmentMeta}> = [...listed.map((m) => ({id: m.id, meta: m})), ...onDisk.filter((id) => id > maxListed && !listed.some((s) => s.id === id)).map((id) => ({id}))]
    this.next = {...freshState(), gen: this.next.gen, next_segment: Math.max(this.next.next_segment, (onDisk.at(-1) ?? 0) + 1)}
    this.cascade = emptyCascadeState()
    this.cascadeDirty = true
    this.history = emptyHistory(emptyAggregates())
    this.days = {}
    this.historyDirty = true
    let records = 0
    let expected = 0
    for (const src of sources) {
      const file = segmentFile(this.o.paths, src.id)
      const size = await fileSize(file)
      if (size < 0 && !src.meta) continue
      const meta = src.meta ?? {id: src.id, bytes: size, lines: 0, first_seq: 0, last_seq: 0, last_crc: '', models: []}
      expected += src.meta?.lines ?? 0
      const good: PendingLine[] = []
      const seqs: number[] = []
      const texts: Buffer[] = []
      let lastSeq = this.next.seq
      const {issues} = await readSegment(file, meta, (v) => {
        if (v.seq <= lastSeq) return
        const json = v.bytes.toString('utf8', v.recStart, v.recEnd)
        const line = parseStoreLine(json)
        if (!line) return
        lastSeq = v.seq
        good.push({json, line})
        seqs.push(v.seq)
        texts.push(lineWithNewline(v))
      }, {checkMeta: Boolean(src.meta)})
      records += good.length
      if (good.length === 0) {
        if (size >= 0) await this.keepCopy(file, 'unreadable')
        continue
      }
      if (issues.length === 0 && src.meta) {
        // Intact: keep the file, re-fold its lines.
        if (this.next.active) await this.seal()
        const meta2: SegmentMeta = {id: src.id, bytes: 0, lines: 0, first_seq: seqs[0], last_seq: seqs[0] - 1, last_crc: '', models: []}
        this.next.active = meta2
        for (const [i, p] of good.entries()) {
          this.next.seq = seqs[i] - 1
          this.fold(meta2, p, texts[i])
        }
        continue
      }
      await this.keepCopy(file, 'damaged')
      if (this.next.active) await this.seal()
      await this.copyLines(good, seqs, texts)
    }
    if (this.next.active) await this.seal()
    const lost = Math.max(0, expected - records)
    this.o.warn(`Performance store: ${reason}. Rebuilt the totals from ${records} raw record(s) in ${sources.length} segment(s)${lost > 0 ? `; ${lost} record(s) could not be read and are no longer counted (the damaged files are in ${this.o.paths.quarantine})` : ''}.`)
    return {records, lost}
  }

  // ---- commit ------------------------------------------------------------------------------------

  /** Make everything appended visible, in one step. Throws (nothing visible) when this process lost the lock. */
  async commit(): Promise<void> {
    await this.flush()
    const fh = this.fh
    if (fh) await fsStep(this.o.doing, this.activeFile(), () => fh.datasync())
    faultPoint('after-append')
    pruneTokenDays(this.next.totals)
    const bad = nonFiniteTotal(this.next.totals)
    if (bad) {
      throw new CtoError({
        code: 'PERF_TOTALS_OVERFLOW',
        message: `Refused to save totals that are no longer finite numbers (${bad}); nothing was recorded.`,
        actions: ['Look for absurd values (cost_usd, tokens) in what was being recorded or imported.'],
      })
    }
    const gen = this.maxGen + 1
    if (this.historyDirty) {
      const history = this.history as HistoryDoc
      if (this.days) history.days = await writeDays(this.o.paths, gen, this.o.lock.token, this.days)
      this.next.history = await writeHistory(this.o.paths, gen, this.o.lock.token, history)
    }
    if (this.cascadeDirty && this.cascade) this.next.totals.cascade = cascadeStateToJson(this.cascade)
    this.next.gen = gen
    this.next.writer = this.o.lock.token
    this.next.written_at = this.o.clock().toISOString()
    await commitState(this.o.paths, this.next, this.o.lock.token, () => this.o.lock.assertHeld(), this.o.doing)
    this.committed = true
    faultPoint('after-commit')
    if (this.historyDirty && this.next.history) {
      await pruneHistories(this.o.paths, this.next.history, this.history?.days ?? null)
      await this.quarantineUnreferenced()
    }
  }

  /**
   * After a commit that sealed a segment: segment files no commit references (an unfinished
   * write, a stale writer's new segment, a repaired segment's damaged original) move to
   * quarantine/. Only ids below this commit's `next_segment`: a writer that took over after this
   * commit creates ids at or above it, and those are not ours to touch.
   */
  private async quarantineUnreferenced(): Promise<void> {
    try {
      const referenced = new Set([...(this.history?.segments ?? []).map((s) => s.id), ...(this.next.active ? [this.next.active.id] : [])])
      for (const id of await segmentIdsOnDisk(this.o.paths)) {
        if (referenced.has(id) || id >= this.next.next_segment) continue
        await mkdir(this.o.paths.quarantine, {recursive: true})
        await rename(segmentFile(this.o.paths, id), join(this.o.paths.quarantine, `${segmentFileName(id)}.unreferenced-${stamp(this.o.clock())}`))
      }
    } catch {
      // Housekeeping only: the commit already happened.
    }
  }

  /** Release file handles; after a failure, remove segment files this session created (never committed). */
  async close(): Promise<void> {
    await this.closeActive(false).catch(() => {})
    if (!this.committed) {
      const {rm} = await import('node:fs/promises')
      for (const id of this.created) await rm(segmentFile(this.o.paths, id), {force: true}).catch(() => {})
    }
  }

  /** Referenced segments, in order (history first, then the active one). Loads the history. */
  async segments(): Promise<SegmentMeta[]> {
    const h = await this.loadHistory()
    return [...h.segments, ...(this.next.active ? [this.next.active] : [])]
  }

  /** Reset: an empty state that keeps the sequence and segment counters (ids are never reused). */
  async replaceWithEmpty(): Promise<void> {
    await this.closeActive(false)
    const {seq, next_segment} = this.next
    this.next = {...freshState(), seq, next_segment}
    this.cascade = emptyCascadeState()
    this.cascadeDirty = true
    this.history = emptyHistory(emptyAggregates())
    this.days = undefined
    this.historyDirty = false
  }
}

/** Track an attempt's model and time in its segment's index. */
export function noteAttempt(meta: SegmentMeta, model: string, time: string): void {
  if (!meta.models.includes(model)) meta.models.push(model)
  if (!meta.min_time || time < meta.min_time) meta.min_time = time
  if (!meta.max_time || time > meta.max_time) meta.max_time = time
}


