/**
 * What the router's text model sees of a task: hashed features, never the text itself.
 *
 * Features: each distinct lower-cased word (2–24 letters or digits), a length bucket (log2 of the
 * characters), code markers (fences, `def`/`function`/`class`, braces and semicolons, `=>`), math
 * markers (numbers, operators between numbers, math words), file names and their extensions
 * (`src/parser.ts` → `file`, `ext:ts`), a question mark at the end, and a bias feature. Each is
 * hashed with 32-bit FNV-1a; the list is sorted and deduplicated, at most MAX_FEATURES long (the
 * first words win). The hashes are all that is kept (in memory, and in the attempt record for
 * phase B): the words can't be read back from them, short of guessing a word and hashing it.
 */

export const MAX_FEATURES = 96

/** 32-bit FNV-1a of a string (UTF-16 code units), unsigned. */
export function fnv1a(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

const WORD = /[\p{L}\p{N}_]{2,24}/gu
const FILE_NAME = /(?:^|[\s"'`(])((?:[\w.-]+\/)*[\w-]+\.([a-z][a-z0-9]{0,5}))\b/gi
const CODE_MARKERS: Array<[string, RegExp]> = [
  ['code:fence', /```/],
  ['code:def', /\b(def|function|class|return|import|const|let|var|fn|func)\b/],
  ['code:braces', /[{};]\s*$|\)\s*\{/m],
  ['code:arrow', /=>|->/],
  ['code:call', /\w\([^)]*\)/],
]
const MATH_MARKERS: Array<[string, RegExp]> = [
  ['math:number', /\d/],
  ['math:operator', /\d\s*[-+*/^=<>]\s*\d/],
  ['math:words', /\b(sum|product|equation|solve|calculate|integer|prime|fraction|percent|probability|average)\b/i],
  ['math:latex', /\$[^$]+\$|\\frac|\\sqrt/],
]

/** The hashed features of a task text: sorted, unique, at most MAX_FEATURES. */
export function taskFeatures(text: string): number[] {
  const names = new Set<string>(['bias'])
  names.add(`len:${Math.min(16, Math.floor(Math.log2(text.length + 1)))}`)
  if (/\?\s*$/.test(text)) names.add('question')
  for (const [name, re] of CODE_MARKERS) if (re.test(text)) names.add(name)
  for (const [name, re] of MATH_MARKERS) if (re.test(text)) names.add(name)
  for (const m of text.matchAll(FILE_NAME)) {
    names.add('file')
    names.add(`ext:${(m[2] ?? '').toLowerCase()}`)
  }
  for (const m of text.toLowerCase().matchAll(WORD)) {
    if (names.size >= MAX_FEATURES) break
    names.add(`w:${m[0]}`)
  }
  return [...new Set([...names].map((n) => fnv1a(n)))].sort((a, b) => a - b)
}
