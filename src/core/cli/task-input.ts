/**
 * Where `cto task` and `cto run` get their text: the words given as arguments, standard input
 * (`-`, or no words and a pipe), or `--file PATH`. One reader for both commands.
 *
 * Standard input is read to its end, however slowly it comes: oclif's own stdin support gives up
 * after 10 ms without data and reads line by line, which cut piped tasks short at random
 * (1,000,000 bytes in, 262,139 to 720,867 characters sent) and turned a slow pipe into "Missing 1
 * required arg". Bytes are collected and decoded once, so a multi-byte character split across two
 * chunks stays whole; input that is not UTF-8 is decoded with U+FFFD in place of the bad bytes, and
 * the caller is told where the first one was. Arguments are limited by the OS (about 128 KiB for one
 * argument on Linux); stdin and --file take any size (10 MB is tested).
 */
import {readFile} from 'node:fs/promises'
import {isUtf8} from 'node:buffer'
import {UsageError} from '../errors.js'

export type TaskInputSource = 'argument' | 'stdin' | 'file'

export interface TaskInput {
  text: string
  source: TaskInputSource
  /** Bytes read (stdin, file) or the UTF-8 length of the words. */
  bytes: number
  /** Invalid UTF-8 sequences replaced by U+FFFD (0 for valid input). */
  replaced: number
}

export interface ReadTaskInputOptions {
  /** The words after the command (oclif's argv with strict: false). */
  argv: string[]
  /** `--file PATH` (`-` means standard input). */
  file?: string
  stdin?: NodeJS.ReadableStream & {isTTY?: boolean}
  /** `task` or `prompt`: how messages name the text. */
  noun: string
  /** How the command is invoked, for the usage hint: `cto task`. */
  usage: string
  /** Told when the input was not UTF-8, or when stdin stays silent. */
  warn: (message: string) => void
  /** After this long without a byte on a pipe, say that cto is waiting for it. Default 3000 ms. */
  quietNoticeMs?: number
}

export async function readTaskInput(o: ReadTaskInputOptions): Promise<TaskInput> {
  const stdin = o.stdin ?? process.stdin
  const words = o.argv
  const fromStdin = words.length === 1 && words[0] === '-'
  if (o.file !== undefined && words.length > 0 && !fromStdin) {
    throw new UsageError({
      code: 'INPUT_TWICE',
      message: `Give the ${o.noun} either as words or with --file, not both.`,
      actions: [`${o.usage} --file ${o.file}`, `${o.usage} "…"`],
    })
  }
  let input: TaskInput
  if (o.file !== undefined && o.file !== '-') {
    input = decode(await readInputFile(o.file, o.noun), 'file', o)
  } else if (fromStdin || o.file === '-' || (words.length === 0 && !stdin.isTTY)) {
    input = decode(await readAll(stdin, o), 'stdin', o)
  } else if (words.length === 0) {
    throw new UsageError({
      code: 'MISSING_INPUT',
      message: `No ${o.noun} given: say what to do as words, pipe it in, or name a file.`,
      actions: [`${o.usage} "fix the failing test"`, `cat ${o.noun}.md | ${o.usage}`, `${o.usage} --file ${o.noun}.md`],
    })
  } else {
    const text = words.join(' ')
    input = {text, source: 'argument', bytes: Buffer.byteLength(text), replaced: 0}
  }
  input.text = input.text.replace(/^\uFEFF/, '').trim()
  if (!input.text) {
    const where = input.source === 'argument' ? '' : input.source === 'file' ? ` (${o.file} holds only white space)` : ' (standard input was empty)'
    throw new UsageError({code: 'EMPTY_INPUT', message: `The ${o.noun} is empty${where}: say what to do.`, actions: [`${o.usage} "fix the failing test"`]})
  }
  return input
}

async function readInputFile(file: string, noun: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new UsageError({code: 'INPUT_UNREADABLE', message: `Cannot read the ${noun} from ${file}: ${why}.`, actions: ['Check the path given to --file.'], cause: error})
  }
}

/** Every byte until end of file, however slowly it comes. */
async function readAll(stream: NodeJS.ReadableStream, o: ReadTaskInputOptions): Promise<Buffer> {
  const chunks: Buffer[] = []
  let seen = false
  const notice = setTimeout(() => {
    if (!seen) o.warn(`Waiting for the ${o.noun} on standard input (end it with Ctrl-D, or give it as words: ${o.usage} "…").`)
  }, o.quietNoticeMs ?? 3000)
  notice.unref()
  try {
    for await (const chunk of stream) {
      seen = true
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
    }
  } finally {
    clearTimeout(notice)
  }
  return Buffer.concat(chunks)
}

function decode(buffer: Buffer, source: TaskInputSource, o: ReadTaskInputOptions): TaskInput {
  if (isUtf8(buffer)) return {text: buffer.toString('utf8'), source, bytes: buffer.length, replaced: 0}
  const {count, first} = invalidSequences(buffer)
  const where = source === 'file' ? o.file : 'standard input'
  o.warn(`The ${o.noun} from ${where} is not valid UTF-8: ${count} invalid byte sequence${count === 1 ? '' : 's'} (the first at byte ${first}) replaced by "\uFFFD". Convert it first, e.g. iconv -f latin1 -t utf-8.`)
  return {text: new TextDecoder('utf-8').decode(buffer), source, bytes: buffer.length, replaced: count}
}

/** Invalid UTF-8 sequences as the WHATWG decoder counts them (one U+FFFD each), and the first one's offset. */
export function invalidSequences(buffer: Uint8Array): {count: number; first: number} {
  let count = 0
  let first = -1
  let i = 0
  const bad = (at: number) => {
    count++
    if (first < 0) first = at
  }
  while (i < buffer.length) {
    const b = buffer[i]
    if (b < 0x80) {
      i++
      continue
    }
    let need = 0
    let lower = 0x80
    let upper = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lower = 0xa0
      if (b === 0xed) upper = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lower = 0x90
      if (b === 0xf4) upper = 0x8f
    } else {
      bad(i)
      i++
      continue
    }
    let j = 1
    for (; j <= need; j++) {
      const c = buffer[i + j]
      if (c === undefined || c < (j === 1 ? lower : 0x80) || c > (j === 1 ? upper : 0xbf)) break
    }
    if (j <= need) {
      // A truncated sequence is one replacement; the byte that broke it starts the next.
      bad(i)
      i += j
    } else {
      i += need + 1
    }
  }
  return {count, first}
}
