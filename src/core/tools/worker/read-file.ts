/** read_file: text with line numbers, large files capped (saying so). */
import {constants, type Stats} from 'node:fs'
import {open} from 'node:fs/promises'

import {checkPath} from '../policy/path-policy.js'
import {contextPolicy, type PolicyContext} from '../policy/policy-context.js'
import {describeFsError, fail, ok} from './tool-result.js'
import type {ToolResult} from '../types.js'

const HARD_READ_LIMIT = 64 * 1024 * 1024
const MAX_LINE_CHARS = 2000

export interface ReadFileArgs {
  path: string
  offset?: number
  limit?: number
}

export async function readFileTool(args: ReadFileArgs, ctx: PolicyContext): Promise<ToolResult> {
  const decision = checkPath('read', args.path, ctx)
  if (!decision.allowed) return fail(decision.reason, decision.rule)
  const policy = contextPolicy(ctx)
  let buf: Buffer
  let stats: Stats
  try {
    // O_NOFOLLOW: the checked path is the real one, so a link appearing there now is a swap.
    const fh = await open(decision.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
    try {
      stats = await fh.stat()
      if (stats.isDirectory()) return fail(`${args.path} is a folder; use list_directory to see what it holds.`)
      if (!stats.isFile()) return fail(`${args.path} is not a regular file (a device, socket or pipe); it is not read.`)
      const size = Math.min(stats.size, HARD_READ_LIMIT)
      buf = Buffer.alloc(size)
      let read = 0
      while (read < size) {
        const {bytesRead} = await fh.read(buf, read, size - read, read)
        if (bytesRead === 0) break
        read += bytesRead
      }
      buf = buf.subarray(0, read)
    } finally {
      await fh.close()
    }
  } catch (error) {
    return fail(describeFsError(error, args.path))
  }
  if (buf.subarray(0, 8000).includes(0)) return fail(`${args.path} is a binary file (${stats.size} bytes); it is not shown.`)

  const lines = buf.toString('utf8').split('\n')
  if (lines.length > 1 && lines.at(-1) === '') lines.pop()
  const offset = args.offset ?? 1
  const limit = args.limit ?? policy.max_read_lines
  if (offset > lines.length && !(offset === 1 && lines.length === 0)) {
    return fail(`${args.path} has ${lines.length} lines; offset ${offset} is past the end.`)
  }
  const out: string[] = []
  let bytes = 0
  let end = offset - 1
  let byteCapped = false
  for (let i = offset - 1; i < lines.length && i < offset - 1 + limit; i++) {
    let line = lines[i]!
    if (line.length > MAX_LINE_CHARS) line = `${line.slice(0, MAX_LINE_CHARS)}… [line cut at ${MAX_LINE_CHARS} characters]`
    const rendered = `${String(i + 1).padStart(6)}\t${line}`
    bytes += Buffer.byteLength(rendered) + 1
    if (bytes > policy.max_read_bytes && out.length > 0) {
      byteCapped = true
      break
    }
    out.push(rendered)
    end = i + 1
  }
  const notes: string[] = []
  const fileCut = stats.size > HARD_READ_LIMIT
  if (end < lines.length || byteCapped || fileCut) {
    notes.push(
      `[Capped: showing lines ${offset}-${end} of ${fileCut ? 'at least ' : ''}${lines.length} (${stats.size} bytes in the file). Read on with offset=${end + 1}.]`,
    )
  }
  const content = [...out, ...notes].join('\n')
  return ok(content, {path: decision.path, start_line: offset, end_line: end, total_lines: lines.length, truncated: notes.length > 0})
}
