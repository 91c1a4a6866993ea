/**
 * Static evaluation of shell words, as bash would see them before running: quotes removed, escapes
 * and `$'…'` decoded, brace expansion done, a leading `~` expanded, `$HOME`/`$PWD` known.
 * What can only be known at run time ($VAR, $(…), `…`, $((…))) becomes the marker DYN; glob
 * characters that bash would expand become GLOB_* markers, so a caller can tell `*` from `'*'`.
 */
import {braceExpand, type BraceBudget, type Ch} from './brace-expansion.js'
import {child, nodeType, nodes, type ShNode} from './shell-syntax.js'

/** Stands for text known only at run time. NUL cannot occur in a real argument. */
export const DYN = '\0'
export const GLOB_STAR = '\uE000'
export const GLOB_QMARK = '\uE001'
export const GLOB_CLASS = '\uE002'

const globMarker: Record<string, string> = {'*': GLOB_STAR, '?': GLOB_QMARK, '[': GLOB_CLASS}
const markerGlob: Record<string, string> = {[GLOB_STAR]: '*', [GLOB_QMARK]: '?', [GLOB_CLASS]: '['}

export interface ShWord {
  /** The value, with DYN for run-time parts and GLOB_* for pattern characters. */
  text: string
  /** Has run-time parts. */
  dynamic: boolean
  /** Has unquoted run-time parts: word splitting may turn it into several arguments, or none. */
  splittable: boolean
  /** Has pattern characters bash would expand against the file system. */
  glob: boolean
  /** Stands for a filtered selection of the files the glob covers (find's `{}`), not all of them. */
  filtered?: boolean
}

export interface WordEnv {
  /** null when the script reassigns HOME: `~` and $HOME are then unknown. */
  home: string | null
  /** The working directory when known statically (for `~+` and $PWD). */
  cwd: string | null
  /** Called with the statements of every `$(…)`, backquote and `<(…)` met, so they get checked. */
  onNested(stmts: ShNode[]): void
  /** Called with arithmetic and nested words met (they may hold `$(…)`). */
  onArithm(node: ShNode): void
  /** What brace expansion may still cost in this command (brace-expansion.ts); shared by every word. */
  braces: BraceBudget
}

const octal = /[0-7]{1,3}/y
const hex: Record<string, RegExp> = {x: /[0-9a-fA-F]{1,2}/y, u: /[0-9a-fA-F]{1,4}/y, U: /[0-9a-fA-F]{1,8}/y}
const simpleEscapes: Record<string, string> = {a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?'}

function decodeAnsiC(value: string): string {
  let out = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c !== '\\' || i === value.length - 1) {
      out += c
      continue
    }
    const n = value[++i]!
    if (n in simpleEscapes) {
      out += simpleEscapes[n]
    } else if (n >= '0' && n <= '7') {
      octal.lastIndex = i
      const m = octal.exec(value)![0]
      out += String.fromCodePoint(parseInt(m, 8) & 0xff)
      i += m.length - 1
    } else if (n in hex) {
      const re = hex[n]!
      re.lastIndex = i + 1
      const m = re.exec(value)
      if (!m) {
        out += `\\${n}`
        continue
      }
      const cp = parseInt(m[0], 16)
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : ''
      i += m[0].length
    } else if (n === 'c' && i + 1 < value.length) {
      out += String.fromCharCode(value.charCodeAt(++i) & 0x1f)
    } else {
      out += `\\${n}`
    }
  }
  return out
}

/** `''` or `""`: no character, but a word bash keeps (an unquoted empty word it drops). */
const quotedEmpty: Ch = {c: '', q: true}

function pushText(out: Ch[], text: string, q: boolean): void {
  for (const c of text) out.push({c, q})
}

function unescapeLit(out: Ch[], raw: string, inDouble: boolean): void {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1]!
      if (n === '\n') {
        i++
        continue
      }
      if (!inDouble || '$`"\\'.includes(n)) {
        out.push({c: n, q: true, bs: true})
        i++
        continue
      }
    }
    out.push({c, q: inDouble})
  }
}

function visitParamExp(p: ShNode, env: WordEnv): void {
  const exp = child(p, 'Exp')
  if (exp) visitWordParts(child(exp, 'Word'), env)
  const repl = child(p, 'Repl')
  if (repl) {
    visitWordParts(child(repl, 'Orig'), env)
    visitWordParts(child(repl, 'With'), env)
  }
  const index = child(p, 'Index')
  if (index) env.onArithm(index)
  const slice = child(p, 'Slice')
  if (slice) {
    const off = child(slice, 'Offset')
    const len = child(slice, 'Length')
    if (off) env.onArithm(off)
    if (len) env.onArithm(len)
  }
}

/** Visits the nested commands of a word without evaluating it (for words only executed, like heredoc bodies). */
export function visitWordParts(word: ShNode | null, env: WordEnv): void {
  if (word) wordChars(word, env)
}

function paramValue(p: ShNode, env: WordEnv): string | null {
  const simple = !p.Excl && !p.Length && !p.Width && !child(p, 'Index') && !child(p, 'Slice') && !child(p, 'Repl') && !child(p, 'Exp')
  if (!simple) return null
  const name = child(p, 'Param')?.Value
  if (name === 'HOME') return env.home
  if (name === 'PWD') return env.cwd
  return null
}

function partChars(part: ShNode, env: WordEnv, out: Ch[], inDouble: boolean): void {
  switch (nodeType(part)) {
    case 'Lit':
      unescapeLit(out, String(part.Value ?? ''), inDouble)
      return
    case 'SglQuoted': {
      const text = part.Dollar ? decodeAnsiC(String(part.Value ?? '')) : String(part.Value ?? '')
      if (text === '') out.push(quotedEmpty)
      pushText(out, text, true)
      return
    }
    case 'DblQuoted': {
      const parts = nodes(part, 'Parts')
      if (parts.length === 0) out.push(quotedEmpty)
      for (const p of parts) partChars(p, env, out, true)
      return
    }
    case 'ParamExp': {
      visitParamExp(part, env)
      const value = paramValue(part, env)
      if (value === null) out.push({c: DYN, q: inDouble, dyn: true})
      else pushText(out, value, true)
      return
    }
    case 'CmdSubst':
    case 'ProcSubst':
      env.onNested(nodes(part, 'Stmts'))
      out.push({c: DYN, q: inDouble, dyn: true})
      return
    case 'ArithmExp': {
      const x = child(part, 'X')
      if (x) env.onArithm(x)
      out.push({c: DYN, q: true, dyn: true})
      return
    }
    case 'ExtGlob':
      out.push({c: GLOB_STAR, q: false})
      return
    default:
      // Unknown part: treat as unknown text, never as safe text.
      out.push({c: DYN, q: false, dyn: true})
  }
}

function wordChars(word: ShNode, env: WordEnv): Ch[] {
  const out: Ch[] = []
  for (const part of nodes(word, 'Parts')) partChars(part, env, out, false)
  return out
}

function expandTilde(chars: Ch[], env: WordEnv): Ch[] {
  if (chars.length === 0 || chars[0]!.q || chars[0]!.c !== '~') return chars
  let end = 1
  while (end < chars.length && !(chars[end]!.c === '/' && !chars[end]!.q)) end++
  const prefixChars = chars.slice(1, end)
  const rest = chars.slice(end)
  const prefix = prefixChars.map((c) => c.c).join('')
  if (prefixChars.some((c) => c.q || c.dyn)) return chars
  let value: string | null
  if (prefix === '') value = env.home
  else if (prefix === '+') value = env.cwd
  else value = null // ~user, ~-: another directory, unknown here
  const head: Ch[] = value === null ? [{c: DYN, q: true, dyn: true}] : [...value].map((c) => ({c, q: true}))
  return [...head, ...rest]
}

function toWord(chars: Ch[]): ShWord {
  let text = ''
  let dynamic = false
  let splittable = false
  let glob = false
  // `[` starts a pattern only when an unquoted `]` follows (a lone `[` is the test command).
  const lastClose = chars.findLastIndex((c) => !c.q && !c.dyn && c.c === ']')
  for (const [i, ch] of chars.entries()) {
    if (!ch.q && ch.c === '[' && i >= lastClose) {
      text += ch.c
      continue
    }
    if (ch.dyn) {
      text += DYN
      dynamic = true
      if (!ch.q) splittable = true
    } else if (!ch.q && ch.c in globMarker) {
      text += globMarker[ch.c]
      glob = true
    } else if (ch.c === GLOB_STAR) {
      text += GLOB_STAR
      glob = true
    } else {
      text += ch.c
    }
  }
  return {text, dynamic, splittable, glob}
}

/** Evaluates one word into the argument(s) bash would pass (several after brace expansion). */
export function expandWord(word: ShNode, env: WordEnv): ShWord[] {
  // Most words are one plain literal or one single-quoted string: nothing to expand.
  const parts = nodes(word, 'Parts')
  if (parts.length === 1) {
    const type = nodeType(parts[0])
    const value = String(parts[0]!.Value ?? '')
    if (type === 'Lit' && !/[\\{~*?[]/.test(value)) return [literalWord(value)]
    if (type === 'SglQuoted' && !parts[0]!.Dollar && value !== '') return [literalWord(value)]
  }
  const chars = wordChars(word, env)
  // Brace alternatives that leave nothing are dropped, as bash drops them: `{,} rm -rf ~` runs rm.
  return braceExpand(chars, env.braces)
    .filter((c) => c.length > 0)
    .map((c) => toWord(expandTilde(c, env)))
}

/** A word made of a known string (for arguments synthesised by wrappers). */
export function literalWord(text: string): ShWord {
  return {text, dynamic: false, splittable: false, glob: false}
}

export const dynamicWord: ShWord = {text: DYN, dynamic: true, splittable: false, glob: false}

/** The word as a person would read it, for messages. */
export function displayWord(w: ShWord | string): string {
  const text = typeof w === 'string' ? w : w.text
  return [...text].map((c) => (c === DYN ? '…' : (markerGlob[c] ?? c))).join('')
}

export function hasGlobMarker(text: string): boolean {
  return text.includes(GLOB_STAR) || text.includes(GLOB_QMARK) || text.includes(GLOB_CLASS)
}

/** The text of a here-document or here-string: expansions run (and are checked), no splitting. */
export function bodyText(word: ShNode, env: WordEnv): {text: string; dynamic: boolean} {
  const chars = wordChars(word, env)
  return {text: chars.map((c) => (c.dyn ? DYN : c.c)).join(''), dynamic: chars.some((c) => c.dyn)}
}
