/**
 * `cto perf export`: every committed record, in the order recorded, streamed in 1 MiB chunks
 * (constant memory: before, every line was held at once, 539 MB RSS at 1 M records).
 *
 * jsonl writes each record's bytes exactly as stored (the segment line minus its sequence number
 * and checksum), so export → reset → import → export is byte-identical, and an empty store
 * exports an empty file that imports back as nothing. csv holds attempts only.
 *
 * Snapshot: the export first hard-links every segment it will read into
 * `snapshots/<pid>-<token>/` and reads the committed ends recorded in one state. Segments are
 * append-only below their committed end, so the links are a consistent snapshot that a reset
 * (which moves the segments away) or a repair cannot cut short. Before, an export racing a
 * reset wrote 91,884 of 300,000 records and exited 0. On a store where links can't be made
 * (read-only, no permission), nothing can reset it either, and the files are read in place; a
 * file that vanishes anyway ends the export with an error, never a short file.
 *
 * To a file: written to a temp file next to it, fsynced, renamed into place: a failed export
 * (disk full) leaves no half file under the target name.
 */
import {randomBytes} from 'node:crypto'
import {link, mkdir, open, readdir, rename, rm, type FileHandle} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import type {Writable} from 'node:stream'
import {once} from 'node:events'
import {CtoError} from '../errors.js'
import {faultPoint} from './fault-points.js'
import {describeIssue, readSegment} from './segment-io.js'
import {isErrno, storeFsError} from './store-errors.js'
import {fsyncDir, segmentFile, segmentFileName, type StorePaths} from './store-layout.js'
import {listSegments, readView} from './store-reader.js'
import type {SegmentMeta} from './store-state.js'
import type {ExportFormat, ExportResult} from './types.js'

const FLUSH = 1024 * 1024
const NL = Buffer.from('\n')

interface Snapshot {
  segments: SegmentMeta[]
  fileOf: (id: number) => string
  cleanup: () => Promise<void>
}

async function takeSnapshot(paths: StorePaths): Promise<Snapshot> {
  await removeDeadSnapshots(paths)
  for (let attempt = 0; ; attempt++) {
    const view = await readView(paths)
    if (view.v1) {
      throw new CtoError({
        code: 'PERF_STORE_NEEDS_UPGRADE',
        message: `The store at ${paths.dir} is in the layout of an older cto; it is upgraded by the next command that records (it needs write access).`,
        actions: ['Run "cto perf check --repair" once (it upgrades the store), then export again.'],
      })
    }
    const {segments} = await listSegments(paths, view.state)
    const dir = join(paths.snapshots, `${process.pid}-${randomBytes(6).toString('hex')}`)
    try {
      await mkdir(dir, {recursive: true})
    } catch (error) {
      // No snapshot folder (read-only, no permission, full; a recursive mkdir on a read-only
      // mount even says ENOENT): read in place. Nothing can reset a store we can't write either.
      if (isErrno(error)) return {segments, fileOf: (id) => segmentFile(paths, id), cleanup: async () => {}}
      throw error
    }
    const cleanup = () => rm(dir, {recursive: true, force: true}).catch(() => {})
    try {
      for (const s of segments) await link(segmentFile(paths, s.id), join(dir, segmentFileName(s.id)))
      return {segments, fileOf: (id) => join(dir, segmentFileName(id)), cleanup}
    } catch (error) {
      await cleanup()
      // A segment moved away between reading the state and linking it (a reset, a repair): take a newer state.
      if (isErrno(error) && error.code === 'ENOENT' && attempt < 5) continue
      if (isErrno(error) && ['EROFS', 'EACCES', 'EPERM', 'EXDEV', 'EMLINK', 'ENOSPC'].includes(error.code as string)) {
        return {segments, fileOf: (id) => segmentFile(paths, id), cleanup: async () => {}}
      }
      throw error
    }
  }
}

/** Snapshot folders of exports that died (their pid is gone). */
async function removeDeadSnapshots(paths: StorePaths): Promise<void> {
  let names: string[]
  try {
    names = await readdir(paths.snapshots)
  } catch {
    return
  }
  for (const name of names) {
    const pid = Number(name.split('-')[0])
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      process.kill(pid, 0)
    } catch (error) {
      if (isErrno(error) && error.code === 'ESRCH') await rm(join(paths.snapshots, name), {recursive: true, force: true}).catch(() => {})
    }
  }
}

/** An export target: a file written under a temp name and renamed into place, or a stream (also used by the team store). */
export interface Sink {
  write(data: Buffer): Promise<void>
  finish(): Promise<void>
  abort(): Promise<void>
}

/** The start of the temp names this process writes `target` under (`.out.jsonl.tmp-<pid>-`). */
export function tempPrefix(target: string, pid = process.pid): string {
  return `.${basename(target)}.tmp-${pid}-`
}

export async function fileSink(target: string): Promise<Sink> {
  const tmp = join(dirname(target), `${tempPrefix(target)}${randomBytes(4).toString('hex')}`)
  let fh: FileHandle
  try {
    fh = await open(tmp, 'wx')
  } catch (error) {
    throw storeFsError(error, 'export', tmp)
  }
  return {
    async write(data) {
      try {
        await fh.write(data)
      } catch (error) {
        throw storeFsError(error, 'export', tmp)
      }
    },
    async finish() {
      try {
        await fh.sync()
        await fh.close()
        await rename(tmp, target)
        await fsyncDir(dirname(target))
      } catch (error) {
        await rm(tmp, {force: true}).catch(() => {})
        throw storeFsError(error, 'export', target)
      }
    },
    async abort() {
      await fh.close().catch(() => {})
      await rm(tmp, {force: true}).catch(() => {})
    },
  }
}

export function streamSink(out: Writable): Sink {
  return {
    async write(data) {
      if (!out.write(data)) await once(out, 'drain')
    },
    async finish() {},
    async abort() {},
  }
}

export async function exportStore(paths: StorePaths, format: ExportFormat, out: string | Writable, warn: (m: string) => void): Promise<ExportResult> {
  const result: ExportResult = {format, attempts: 0, baselines: 0, baselines_skipped: 0, unreadable: 0}
  const csv = format === 'csv' ? await import('./attempt-csv.js') : undefined
  const fields = csv ? (await import('./attempt-schema.js')).ATTEMPT_FIELDS : []
  const snap = await takeSnapshot(paths)
  faultPoint('export-snapshot')
  const sink = typeof out === 'string' ? await fileSink(out) : streamSink(out)
  const problems: string[] = []
  try {
    let parts: Buffer[] = []
    let size = 0
    const flush = async () => {
      if (parts.length === 0) return
      const data = Buffer.concat(parts, size)
      parts = []
      size = 0
      await sink.write(data)
    }
    if (csv) {
      parts.push(Buffer.from(csv.csvHeader(fields)))
      size += parts[0].length
    }
    for (const seg of snap.segments) {
      const {good, issues} = await readSegment(snap.fileOf(seg.id), seg, async (v) => {
        const isBaseline = v.bytes[v.recStart + 2] === 0x6b // {"kind":"baseline",...
        if (isBaseline) {
          if (csv) {
            result.baselines_skipped += 1
            return
          }
          result.baselines += 1
        } else result.attempts += 1
        if (csv) {
          const text = csv.csvRow(JSON.parse(v.bytes.toString('utf8', v.recStart, v.recEnd)), fields)
          const b = Buffer.from(text)
          parts.push(b)
          size += b.length
        } else {
          const b = v.bytes.subarray(v.recStart, v.recEnd)
          parts.push(b, NL)
          size += b.length + 1
        }
        if (size >= FLUSH) await flush()
      })
      if (issues.length > 0) {
        result.unreadable += Math.max(0, seg.lines - good)
        problems.push(describeIssue(issues[0]))
      }
    }
    await flush()
    faultPoint('export-written')
    await sink.finish()
  } catch (error) {
    await sink.abort()
    if (isErrno(error) && error.code === 'ENOENT') {
      throw new CtoError({
        code: 'PERF_EXPORT_INTERRUPTED',
        message: `A segment of the store vanished during the export (${error.path}); the export was not completed${typeof out === 'string' ? ` and ${out} was not written` : ''}.`,
        actions: ['Run the export again.'],
        cause: error,
      })
    }
    throw storeFsError(error, 'export', paths.dir)
  } finally {
    await snap.cleanup()
  }
  if (typeof out === 'string') result.path = out
  if (result.unreadable > 0) {
    warn(`${result.unreadable} record(s) counted in the totals could not be read back and are not in the export (${problems.join('; ')}). Run "cto perf check --repair" to set the totals to what can be read; the damaged files are kept.`)
  }
  if (result.baselines_skipped > 0) {
    warn(`${result.baselines_skipped} imported totals (from model_performance.json) have no CSV form and were left out; use --format jsonl to keep them.`)
  }
  return result
}
