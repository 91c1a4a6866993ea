/**
 * Reading and appending raw segments (`segments/00000007.jsonl`, lines as in line-codec.ts).
 *
 * Appending: the file is opened O_APPEND, so a write lands at the end whoever else writes; the
 * writer then reads its bytes back at the offset it expected. If they are not there, another
 * process (one that lost the lock) appended in between, and the write is abandoned before the
 * commit. A segment is never truncated or rewritten: bytes past the committed end (a writer
 * that died, or a stale one) stay where they are, outside every reader's view, and the next
 * writer seals the segment and starts a new one. Truncating would be the one write a stale
 * writer could use to destroy committed records, so nobody does it.
 *
 * Reading: only up to the committed end, in 1 MiB chunks (constant memory at any size), every
 * line decoded and its checksum verified; sequence numbers must rise and the count and last
 * sequence must match the index. Anything else is reported as damage with the segment, line
 * number and byte offset, never skipped silently.
 */
import {constants} from 'node:fs'
import {open, type FileHandle} from 'node:fs/promises'
import {decodeLine, decodeLineAt, type LineFields} from './line-codec.js'
import type {SegmentMeta} from './store-state.js'
import {segmentFileName} from './store-layout.js'
import {isErrno, withPath} from './store-errors.js'

const CHUNK = 1024 * 1024
const NL = 0x0a

export async function openForAppend(file: string, create: boolean): Promise<FileHandle> {
  const flags = constants.O_RDWR | constants.O_APPEND | (create ? constants.O_CREAT | constants.O_EXCL : 0)
  return open(file, flags, 0o644)
}

/**
 * Append `data` and check it landed at `expectedOffset`. Returns false when another writer's
 * bytes got there first (the caller gives up: it lost the lock). Does not fsync.
 */
let readBack = Buffer.alloc(0)

export async function appendAt(fh: FileHandle, data: Buffer, expectedOffset: number): Promise<boolean> {
  const {bytesWritten} = await fh.write(data, 0, data.length, null)
  if (bytesWritten !== data.length) {
    const error = new Error(`short write: ${bytesWritten} of ${data.length} bytes`) as NodeJS.ErrnoException
    error.code = 'ENOSPC'
    error.syscall = 'write'
    throw error
  }
  if (readBack.length < data.length) readBack = Buffer.allocUnsafe(Math.max(data.length, 256 * 1024))
  const back = readBack.subarray(0, data.length)
  const {bytesRead} = await fh.read(back, 0, data.length, expectedOffset)
  return bytesRead === data.length && back.equals(data)
}

/**
 * One good line, as given to a visitor. The object is reused for every line (a scan allocates
 * nothing per line for it): read its fields during the call, keep slices of `bytes` if needed.
 */
export interface LineVisit {
  /** 1-based line number in the segment. */
  line: number
  /** Byte offset of the line's start in the file. */
  offset: number
  seq: number
  /** The chunk holding the line: the line is bytes[start, end) (no `\n`), its record bytes[recStart, recEnd). */
  bytes: Buffer
  start: number
  end: number
  recStart: number
  recEnd: number
}

/** The line's bytes with its newline, copied (for appending it elsewhere). */
export function lineWithNewline(v: LineVisit): Buffer {
  const out = Buffer.allocUnsafe(v.end - v.start + 1)
  v.bytes.copy(out, 0, v.start, v.end)
  out[out.length - 1] = NL
  return out
}

export interface SegmentIssue {
  segment: number
  line?: number
  offset?: number
  why: string
}

/**
 * Stream the committed lines of a segment from `fromOffset` (a line start) to `meta.bytes`.
 * `visit` gets every good line, in order; returns the issues found (damage). `meta` checks
 * (count, first/last sequence) apply only when reading from offset 0.
 */
export async function readSegment(
  file: string,
  meta: Pick<SegmentMeta, 'id' | 'bytes' | 'lines' | 'first_seq' | 'last_seq'>,
  visit: (v: LineVisit) => void | Promise<void>,
  opts: {
    fromOffset?: number
    startLine?: number
    prevSeq?: number
    checkMeta?: boolean
  } = {},
): Promise<{good: number; issues: SegmentIssue[]; size: number}> {
  const issues: SegmentIssue[] = []
  let fh: FileHandle
  try {
    fh = await open(file, 'r')
  } catch (error) {
    if (isErrno(error) && error.code === 'ENOENT') return {good: 0, issues: [{segment: meta.id, why: `the file ${file} is missing (${meta.lines} record(s))`}], size: 0}
    throw error
  }
  let good = 0
  let size = 0
  try {
    size = (await withPath(file, () => fh.stat())).size
    const end = Math.min(meta.bytes, size)
    if (size < meta.bytes) issues.push({segment: meta.id, offset: size, why: `the file is ${meta.bytes - size} bytes shorter than committed`})
    const from = opts.fromOffset ?? 0
    let lineNo = (opts.startLine ?? 1) - 1
    let prevSeq = opts.prevSeq ?? 0
    const fields: LineFields = {seq: 0, crc: 0, recStart: 0, recEnd: 0}
    const v: LineVisit = {line: 0, offset: 0, seq: 0, bytes: Buffer.alloc(0), start: 0, end: 0, recStart: 0, recEnd: 0}
    const tail = await readLineChunks(fh, file, from, end, async (chunk, chunkOffset) => {
      let start = 0
      for (;;) {
        const nl = chunk.indexOf(NL, start)
        if (nl < 0) break
        lineNo += 1
        const why = decodeLineAt(chunk, start, nl, fields)
        if (why !== undefined) issues.push({segment: meta.id, line: lineNo, offset: chunkOffset + start, why})
        else if (fields.seq <= prevSeq) issues.push({segment: meta.id, line: lineNo, offset: chunkOffset + start, why: `sequence ${fields.seq} after ${prevSeq}`})
        else {
          prevSeq = fields.seq
          good += 1
          v.line = lineNo
          v.offset = chunkOffset + start
          v.seq = fields.seq
          v.bytes = chunk
          v.start = start
          v.end = nl
          v.recStart = fields.recStart
          v.recEnd = fields.recEnd
          const r = visit(v)
          if (r) await r
        }
        start = nl + 1
      }
      return start
    })
    if (tail.cut.length > 0) issues.push(cutLineIssue(meta.id, lineNo + 1, tail))
    if ((opts.checkMeta ?? (opts.fromOffset ?? 0) === 0) && issues.length === 0) {
      if (good !== meta.lines) issues.push({segment: meta.id, why: `${good} record(s) where the index says ${meta.lines}`})
      else if (good > 0 && prevSeq !== meta.last_seq) issues.push({segment: meta.id, why: `ends at sequence ${prevSeq}, the index says ${meta.last_seq}`})
    }
  } finally {
    await fh.close()
  }
  return {good, issues, size}
}

function isZero(b: Buffer): boolean {
  for (const x of b) if (x !== 0) return false
  return true
}

/**
 * The bytes [from, end) of an open segment in pieces of CHUNK bytes, each beginning with the
 * unfinished line the piece before it ended with. `each(chunk, offset)` takes a piece's whole lines
 * and returns where its unfinished tail starts; what is left after the last piece is returned: the
 * bytes of a line the committed end cuts (empty: none) and their offset. readSegment and the
 * `--since` scan (since-scan.ts) both read segments through it.
 */
export async function readLineChunks(
  fh: FileHandle,
  file: string,
  from: number,
  end: number,
  each: (chunk: Buffer, chunkOffset: number) => number | Promise<number>,
): Promise<{cut: Buffer; offset: number}> {
  let pos = from
  let carry: Buffer | undefined
  let carryOffset = from
  while (pos < end) {
    const want = Math.min(CHUNK, end - pos)
    // A fresh buffer per piece: visitors may keep slices of lines (export batches them).
    const buf = Buffer.allocUnsafe(want)
    const {bytesRead} = await withPath(file, () => fh.read(buf, 0, want, pos))
    if (bytesRead === 0) break
    let chunk = buf.subarray(0, bytesRead)
    let chunkOffset = pos
    pos += bytesRead
    if (carry) {
      chunk = Buffer.concat([carry, chunk])
      chunkOffset = carryOffset
      carry = undefined
    }
    const rest = await each(chunk, chunkOffset)
    if (rest < chunk.length) {
      carry = Buffer.from(chunk.subarray(rest))
      carryOffset = chunkOffset + rest
    }
  }
  return {cut: carry ?? Buffer.alloc(0), offset: carryOffset}
}

/** The damage a committed end that cuts a line is reported as. */
export function cutLineIssue(segment: number, line: number, tail: {cut: Buffer; offset: number}): SegmentIssue {
  return {segment, line, offset: tail.offset, why: `the committed end cuts a line (${tail.cut.length} bytes without a newline${isZero(tail.cut) ? ', all zeros' : ''})`}
}

/**
 * Check the last committed line of a segment by content: it must end exactly at `meta.bytes`,
 * decode, carry `meta.last_seq` and `meta.last_crc`. One small read (≤ 64 KiB), done at every open
 * and before every append. Returns a problem, or undefined when the tail is intact.
 */
export async function checkTail(file: string, meta: SegmentMeta, handle?: FileHandle): Promise<{problem?: string; size: number}> {
  try {
    if (handle) return await readTail(file, meta, handle)
    let fh: FileHandle
    try {
      fh = await open(file, 'r')
    } catch (error) {
      if (isErrno(error) && error.code === 'ENOENT') return {problem: `the file ${file} is missing (${meta.lines} record(s))`, size: 0}
      throw error
    }
    try {
      return await readTail(file, meta, fh)
    } finally {
      await fh.close()
    }
  } catch (error) {
    if (!isErrno(error) || error.code === 'EACCES' || error.code === 'EPERM' || error.code === 'ELOOP') throw error
    return {problem: `${file} cannot be read (${error.code}${error.code === 'EISDIR' ? ': it is a folder, not a file' : ''})`, size: 0}
  }
}

async function readTail(file: string, meta: SegmentMeta, fh: FileHandle): Promise<{problem?: string; size: number}> {
  const size = (await fh.stat()).size
  if (meta.lines === 0 || meta.bytes === 0) return {size}
  if (size < meta.bytes) return {problem: `${file} is ${meta.bytes - size} bytes shorter than committed`, size}
  const len = Math.min(meta.bytes, 64 * 1024)
  const buf = Buffer.allocUnsafe(len)
  const {bytesRead} = await fh.read(buf, 0, len, meta.bytes - len)
  const tail = buf.subarray(0, bytesRead)
  if (tail.at(-1) !== NL) return {problem: `the last committed line of ${file} is damaged (${tail.at(-1) === 0 ? 'zeroed bytes' : 'no newline at its end'})`, size}
  const prev = tail.lastIndexOf(NL, tail.length - 2)
  const d = decodeLine(tail.subarray(prev + 1, tail.length - 1))
  if (!d.ok) return {problem: `the last committed line of ${file} is damaged (${d.why})`, size}
  if (d.seq !== meta.last_seq || d.crc !== meta.last_crc) return {problem: `the last committed line of ${file} is not the one committed (sequence ${d.seq}, expected ${meta.last_seq})`, size}
  return {size}
}

export async function fileSize(file: string): Promise<number> {
  const {stat} = await import('node:fs/promises')
  try {
    return (await stat(file)).size
  } catch (error) {
    if (isErrno(error) && error.code === 'ENOENT') return -1
    throw error
  }
}

/**
 * The committed lines of a segment from the end backwards (newest first), 64 KiB at a time, for
 * "the last 10 attempts of a model". `visit` returns false to stop. Damaged lines are skipped
 * and counted (the forward readers report them in detail).
 */
export async function readSegmentBackward(file: string, meta: SegmentMeta, visit: (record: string, seq: number) => boolean): Promise<{damaged: number}> {
  const fh = await open(file, 'r')
  let damaged = 0
  try {
    const step = 64 * 1024
    let end = meta.bytes
    // The start of a line whose beginning is in an earlier (not yet read) chunk, newline included.
    let carry: Buffer = Buffer.alloc(0)
    while (end > 0) {
      const start = Math.max(0, end - step)
      const buf = Buffer.allocUnsafe(end - start)
      const {bytesRead} = await fh.read(buf, 0, end - start, start)
      const chunk = Buffer.concat([buf.subarray(0, bytesRead), carry])
      end = start
      const first = start === 0 ? -1 : chunk.indexOf(NL)
      if (start > 0 && first < 0) {
        carry = chunk
        continue
      }
      const region = chunk.subarray(first + 1)
      const lines: Array<[number, number]> = []
      let s = 0
      for (let nl = region.indexOf(NL); nl >= 0; nl = region.indexOf(NL, s)) {
        lines.push([s, nl])
        s = nl + 1
      }
      if (s < region.length) damaged += 1 // bytes after the last newline: a cut line
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = region.subarray(lines[i][0], lines[i][1])
        const d = decodeLine(line)
        if (!d.ok) damaged += 1
        else if (!visit(line.toString('utf8', d.recStart, d.recEnd), d.seq)) return {damaged}
      }
      carry = start === 0 ? Buffer.alloc(0) : Buffer.from(chunk.subarray(0, first + 1))
    }
    return {damaged}
  } finally {
    await fh.close()
  }
}

export function describeIssue(i: {segment: number; line?: number; offset?: number; why: string}): string {
  return `segment ${segmentFileName(i.segment)}${i.line === undefined ? '' : ` line ${i.line}`}${i.offset === undefined ? '' : ` (byte ${i.offset})`}: ${i.why}`
}
