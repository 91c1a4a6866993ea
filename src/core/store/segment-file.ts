/**
 * Raw segments: `segments/attempts-000001.jsonl`, one JSON line per attempt (or imported
 * baseline), append-only. A new segment starts when the active one passes the size limit, so
 * no file grows without bound and `--since` scans can skip old segments.
 */
import {open, readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {parseStoreLine, type StoreLine} from './store-line.js'

const SEGMENT_RE = /^attempts-(\d{6,})\.jsonl$/

export function segmentName(seq: number): string {
  return `attempts-${String(seq).padStart(6, '0')}.jsonl`
}

export function segmentSeq(name: string): number {
  const m = SEGMENT_RE.exec(name)
  return m ? Number(m[1]) : 0
}

/** Segment file names, oldest first. */
export async function listSegments(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return names.filter((n) => SEGMENT_RE.test(n)).sort((a, b) => segmentSeq(a) - segmentSeq(b))
}

export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw error
  }
}

export async function readRange(file: string, start: number, end: number): Promise<Buffer> {
  const fh = await open(file, 'r')
  try {
    const buf = Buffer.alloc(end - start)
    let off = 0
    while (off < buf.length) {
      const {bytesRead} = await fh.read(buf, off, buf.length - off, start + off)
      if (bytesRead === 0) break
      off += bytesRead
    }
    return buf.subarray(0, off)
  } finally {
    await fh.close()
  }
}

export async function readSegment(file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw error
  }
}

export interface ParsedChunk {
  lines: StoreLine[]
  /** The text of each readable line, newline included, in order. */
  texts: string[]
  /** 1-based numbers (within the chunk) of lines that are not valid store lines. */
  bad: number[]
  /** Bytes after the last newline: a line still being written, or one cut off by a crash. */
  fragment: Buffer
  /** Bytes up to and including the last newline. */
  completeBytes: number
}

export function parseChunk(buf: Buffer): ParsedChunk {
  const last = buf.lastIndexOf(0x0a)
  const completeBytes = last + 1
  const text = buf.subarray(0, completeBytes).toString('utf8')
  const lines: StoreLine[] = []
  const texts: string[] = []
  const bad: number[] = []
  let start = 0
  let n = 0
  while (start < text.length) {
    const nl = text.indexOf('\n', start)
    const lineText = text.slice(start, nl)
    n += 1
    if (lineText.trim() !== '') {
      const line = parseStoreLine(lineText)
      if (line) {
        lines.push(line)
        texts.push(lineText + '\n')
      } else bad.push(n)
    }
    start = nl + 1
  }
  return {lines, texts, bad, fragment: buf.subarray(completeBytes), completeBytes}
}

export function segmentPath(dir: string, name: string): string {
  return join(dir, name)
}
