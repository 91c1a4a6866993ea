/**
 * One line of a raw segment: `[SEQ,RECORD,"CRC"]\n`.
 *
 *   SEQ     the store-wide sequence number (1, 2, 3, … never reused), so a line moved, lost or
 *           repeated is seen by content, not by file size
 *   RECORD  the attempt (or imported baseline) as normalised JSON: exactly the bytes `cto perf
 *           export` writes, so export slices it out without parsing and a round trip is byte-identical
 *   CRC     crc32 of every byte before it (`[SEQ,RECORD,`), 8 lower-case hex digits
 *
 * Why a per-line checksum: a power cut can leave zeros or old bytes in place of the last write
 * without changing the file size (ext4 `data=writeback`, a disk cache that lied). JSON that still
 * parses is no proof; a crc32 over the line is (a random 300-byte change passes with p = 2^-32).
 * The line stays a JSON array, so `jq -c '.[1]' segments/*.jsonl` still reads a segment.
 *
 * crc32: Node's zlib.crc32 (native, Node ≥ 20.15); the 12-line table version below is the
 * fallback for 20.5–20.14 (`engines` says ≥ 20.5), checked against zlib in the tests. Native
 * speed matters at scale: 10 M lines are ~4 GB.
 */
import zlib from 'node:zlib'

let table: Int32Array | undefined

/** crc32 (IEEE, as zlib and gzip), written out for Node versions without zlib.crc32. */
export function crc32Portable(data: Uint8Array): number {
  if (!table) {
    table = new Int32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      table[n] = c
    }
  }
  let crc = -1
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8)
  return (crc ^ -1) >>> 0
}

const native = (zlib as {crc32?: (data: Uint8Array) => number}).crc32
export const crc32: (data: Uint8Array) => number = typeof native === 'function' ? (d) => native(d) : crc32Portable

const hex8 = (n: number) => n.toString(16).padStart(8, '0')

/** `[SEQ,RECORD,"CRC"]\n` as bytes. `record` is the normalised JSON of one attempt or baseline. */
export function encodeLine(seq: number, record: string): Buffer {
  const head = Buffer.from(`[${seq},${record},`)
  const out = Buffer.allocUnsafe(head.length + 12)
  head.copy(out, 0)
  out.write(`"${hex8(crc32(head))}"]\n`, head.length, 'latin1')
  return out
}

/** The crc field of a line made by encodeLine. */
export function encodedCrc(line: Buffer): string {
  return line.toString('latin1', line.length - 11, line.length - 3)
}

/** A good line: its sequence number, checksum (8 hex digits), and where the record's JSON sits in the line. */
export type DecodedLine = {ok: true; seq: number; crc: string; recStart: number; recEnd: number} | {ok: false; why: string}

/** Where `decodeLineAt` puts a good line's fields (reused: a scan of 10,000 lines allocates nothing per line for them). */
export interface LineFields {
  seq: number
  crc: number
  /** The record's JSON: [recStart, recEnd) in the buffer given. */
  recStart: number
  recEnd: number
}

function hexValue(line: Uint8Array, from: number): number {
  let v = 0
  for (let i = from; i < from + 8; i++) {
    const c = line[i]
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1
    if (d < 0) return -1
    v = v * 16 + d
  }
  return v
}

const BRACKET = 0x5b
const COMMA = 0x2c
const QUOTE = 0x22
const CLOSE = 0x5d

/**
 * Decode the line buf[start, end) (without its `\n`): shape and checksum; the record is not parsed.
 * Fills `out` and returns undefined when good, else says why not.
 */
export function decodeLineAt(buf: Buffer, start: number, end: number, out: LineFields): string | undefined {
  const n = end - start
  if (n < 16) return n === 0 ? 'empty line' : 'too short'
  if (buf[start] !== BRACKET || buf[end - 1] !== CLOSE || buf[end - 2] !== QUOTE || buf[end - 11] !== QUOTE || buf[end - 12] !== COMMA) {
    return isZeros(buf, start, end) ? 'zeroed bytes' : 'not a store line'
  }
  let seq = 0
  let i = start + 1
  for (; i < end && i < start + 18 && buf[i] !== COMMA; i++) {
    const d = buf[i] - 0x30
    if (d < 0 || d > 9) return 'bad sequence number'
    seq = seq * 10 + d
  }
  if (buf[i] !== COMMA || i === start + 1) return 'bad sequence number'
  const actual = crc32(buf.subarray(start, end - 11))
  if (hexValue(buf, end - 10) !== actual) return 'checksum mismatch'
  out.seq = seq
  out.crc = actual
  out.recStart = i + 1
  out.recEnd = end - 12
  return undefined
}

/** Decode one whole line (without its `\n`). */
export function decodeLine(line: Buffer): DecodedLine {
  const f: LineFields = {seq: 0, crc: 0, recStart: 0, recEnd: 0}
  const why = decodeLineAt(line, 0, line.length, f)
  return why === undefined ? {ok: true, seq: f.seq, crc: hex8(f.crc), recStart: f.recStart, recEnd: f.recEnd} : {ok: false, why}
}

function isZeros(line: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (line[i] !== 0) return false
  return true
}
/** The attempt time of a record without parsing it: normalised attempts start with `{"time":"…Z"`. */
export function recordTime(record: string): string | undefined {
  return record.startsWith('{"time":"') ? record.slice(9, record.indexOf('"', 9)) : undefined
}
