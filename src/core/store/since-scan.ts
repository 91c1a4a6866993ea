/**
 * The `--since` scan: every committed attempt at or after a time, from the segments the index says
 * are recent enough, with the same checks as readSegment (shape, crc32, rising sequence numbers,
 * the index's count, a short file, a cut line) and the damage reported, never repaired.
 *
 * Why a loop of its own: `cto perf --since 1d` runs it in a new process over ~9,000 lines of the
 * day plus the older lines of the first segment the day touches, before V8 has optimised anything.
 * readSegment does several Buffer calls per line (indexOf, compare, subarray), each a JavaScript
 * wrapper with argument checks around a C++ call; here each 1 MiB chunk is turned into one latin1
 * string (a byte per character, so string offsets are byte offsets) and lines, times and the
 * checksum field are found with String methods, which are V8 built-ins. A line older than `since`
 * costs two searches and a comparison; only the lines shown get their crc32 over the bytes.
 * (Measured in new processes at 10 M records: with the plain loops of foldAttempt, `--since 1d`
 * uses ~9 % less CPU, 2.55 → 2.30 × `cto --version`; see README "Benchmarks".)
 */
import {isAscii} from 'node:buffer'
import {open, type FileHandle} from 'node:fs/promises'
import {crc32} from './line-codec.js'
import {cutLineIssue, readLineChunks, type SegmentIssue} from './segment-io.js'
import {isErrno, withPath} from './store-errors.js'
import type {SegmentMeta} from './store-state.js'

const TIME = '{"time":"'

/**
 * Every committed attempt whose time is at or after `sinceIso` (an ISO time as the store writes
 * them: `…Z`), in append order, its record's JSON given to `visit`, from the segments given;
 * segments whose newest attempt is older are not opened. Returns the damage met on the way.
 */
export async function scanSegmentsSince(
  segments: SegmentMeta[],
  fileOf: (seg: SegmentMeta) => string,
  sinceIso: string,
  visit: (record: string) => void,
): Promise<SegmentIssue[]> {
  const issues: SegmentIssue[] = []
  for (const seg of segments) {
    if (!seg.max_time || seg.max_time < sinceIso) continue
    // A segment wholly inside the window is checked line by line like any read; one that
    // starts before it skips (counts, does not checksum) the lines older than `since`.
    const whole = seg.min_time !== undefined && seg.min_time >= sinceIso
    await scanOne(fileOf(seg), seg, sinceIso, whole, visit, issues)
  }
  return issues
}

async function scanOne(file: string, meta: SegmentMeta, since: string, whole: boolean, visit: (record: string) => void, issues: SegmentIssue[]): Promise<void> {
  let fh: FileHandle
  try {
    fh = await open(file, 'r')
  } catch (error) {
    if (isErrno(error) && error.code === 'ENOENT') {
      issues.push({segment: meta.id, why: `the file ${file} is missing (${meta.lines} record(s))`})
      return
    }
    throw error
  }
  const found = issues.length
  const sinceLength = since.length
  let good = 0
  let skipped = 0
  let lineNo = 0
  let prevSeq = 0
  try {
    const size = (await withPath(file, () => fh.stat())).size
    const end = Math.min(meta.bytes, size)
    if (size < meta.bytes) issues.push({segment: meta.id, offset: size, why: `the file is ${meta.bytes - size} bytes shorter than committed`})
    const tail = await readLineChunks(fh, file, 0, end, (chunk, chunkOffset) => {
      const text = chunk.toString('latin1')
      // Records are mostly ASCII: then the latin1 text is the UTF-8 text, and a record is a slice of it.
      const ascii = isAscii(chunk)
      let start = 0
      for (;;) {
        const nl = text.indexOf('\n', start)
        if (nl < 0) break
        lineNo += 1
        // `[SEQ,` then the record: an attempt starts `{"time":"…`, and its time decides.
        // A line without a comma is not skipped: it is damage, and decoding it says so.
        const comma = text.indexOf(',', start)
        const recStart = comma + 1
        const hasComma = comma >= start && comma < nl
        const inWindow = hasComma && text.startsWith(TIME, recStart) && text.slice(recStart + 9, recStart + 9 + sinceLength) >= since
        if (hasComma && !inWindow && !whole) {
          skipped += 1
          start = nl + 1
          continue
        }
        const why = checkLine(text, chunk, start, nl, comma)
        if (why !== undefined) issues.push({segment: meta.id, line: lineNo, offset: chunkOffset + start, why})
        else {
          const seq = Number(text.slice(start + 1, comma))
          if (seq <= prevSeq) issues.push({segment: meta.id, line: lineNo, offset: chunkOffset + start, why: `sequence ${seq} after ${prevSeq}`})
          else {
            prevSeq = seq
            good += 1
            if (inWindow) visit(ascii ? text.slice(recStart, nl - 12) : chunk.toString('utf8', recStart, nl - 12))
          }
        }
        start = nl + 1
      }
      return start
    })
    if (tail.cut.length > 0) issues.push(cutLineIssue(meta.id, lineNo + 1, tail))
    if (issues.length === found) {
      if (good + skipped !== meta.lines) issues.push({segment: meta.id, why: `${good + skipped} record(s) where the index says ${meta.lines}`})
      else if (good > 0 && skipped === 0 && prevSeq !== meta.last_seq) issues.push({segment: meta.id, why: `ends at sequence ${prevSeq}, the index says ${meta.last_seq}`})
    }
  } finally {
    await fh.close()
  }
}

const SEQ = /^[0-9]{1,17}$/
const CRC = /^[0-9a-f]{8}$/

/** The checks of decodeLineAt (line-codec.ts), on the line text[start, nl) whose first comma is at `comma`; undefined when good. */
function checkLine(text: string, bytes: Buffer, start: number, nl: number, comma: number): string | undefined {
  const n = nl - start
  if (n < 16) return n === 0 ? 'empty line' : 'too short'
  if (text.charCodeAt(start) !== 0x5b || !text.startsWith(',"', nl - 12) || !text.startsWith('"]', nl - 2)) {
    return /^\0*$/.test(text.slice(start, nl)) ? 'zeroed bytes' : 'not a store line'
  }
  if (comma <= start + 1 || comma > start + 18 || !SEQ.test(text.slice(start + 1, comma))) return 'bad sequence number'
  const hex = text.slice(nl - 10, nl - 2)
  if (!CRC.test(hex) || Number.parseInt(hex, 16) !== crc32(bytes.subarray(start, nl - 11))) return 'checksum mismatch'
  return undefined
}
