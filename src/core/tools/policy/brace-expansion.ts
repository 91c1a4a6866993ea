/**
 * Brace expansion as bash does it (braces.c: `brace_expand`, `brace_gobbler`, `expand_seqterm`),
 * on characters that already know whether they were quoted, with a budget.
 *
 * Why bash's own algorithm and not a tidier one: the checker must see the words bash will pass.
 * `{/x},~/.ssh/id_rsa}` is two words for bash (`/x}` and `~/.ssh/id_rsa`, whose `~` then expands),
 * because a `}` closes a brace only after a top-level `,` or `..`; a bracket-matching expansion
 * sees one literal word there.
 *
 * Why a budget: bash's search tries every `{` and scans to the end of the word for its `}`
 * (quadratic: 64 KB of `{` took 11 s), and the words multiply (ten `{,}` groups are 1024 words,
 * sixty are more than there are atoms). The old cap silently turned the words past 512 into
 * "unknown", which let `cat ~/.ss{,}{,}…h/id_rsa` through. Now every character scanned or produced
 * is counted against one budget per command, and the command is refused, saying why, when the
 * budget or the word limit is reached. Honest commands use a few hundred steps (`{1..1000}` is
 * 1000 words, `src/{a,b}/{c,d}` four).
 */

/** One character of a word after quote removal. */
export interface Ch {
  c: string
  /** Quoted or escaped: not subject to brace, tilde, glob expansion or splitting. */
  q: boolean
  /** Escaped with a backslash (bash's "has a comma" test skips only those). */
  bs?: boolean
  /** Stands for text only known at run time ($VAR, $(…)). */
  dyn?: boolean
}

/** Words one command may expand to through braces. */
export const MAX_BRACE_WORDS = 4096
/** Characters scanned plus produced by brace expansion in one command. */
export const MAX_BRACE_STEPS = 1_000_000
/** Braces nested deeper than this are not expanded but refused. */
export const MAX_BRACE_DEPTH = 64

export class BraceLimitError extends Error {}

export interface BraceBudget {
  /** Words still allowed (counts the extra words braces create). */
  words: number
  steps: number
}

export function createBraceBudget(): BraceBudget {
  return {words: MAX_BRACE_WORDS, steps: MAX_BRACE_STEPS}
}

const plain = (ch: Ch | undefined, c: string) => ch !== undefined && !ch.q && !ch.dyn && ch.c === c

function spend(budget: BraceBudget, steps: number): void {
  budget.steps -= steps
  if (budget.steps < 0) {
    throw new BraceLimitError(`its brace expansions take more than ${MAX_BRACE_STEPS.toLocaleString('en-US')} steps to read; write the words out, or loop over $(seq …)`)
  }
}

/**
 * bash's `brace_gobbler`: from `i`, the index of the character satisfying `satisfy` at level 0
 * (`}` only after a top-level `,` or `..`), or -1. `start` is where the text being expanded begins.
 */
function gobble(chars: Ch[], i: number, end: number, satisfy: '{' | '}' | ',', start: number, budget: BraceBudget): number {
  let level = 0
  let commas = satisfy === '}' ? 0 : 1
  const from = i
  try {
    for (; i < end; i++) {
      const ch = chars[i]!
      if (ch.q || ch.dyn) continue
      const c = ch.c
      if (c === satisfy && level === 0 && commas > 0) {
        // An open brace at the start of the text followed by `}` (find's `{}`) is no brace.
        if (c === '{' && i === start && plain(chars[i + 1], '}')) continue
        return i
      }
      if (c === '{') level++
      else if (c === '}' && level > 0) level--
      else if (satisfy === '}' && c === ',' && level === 0) commas++
      else if (satisfy === '}' && c === '.' && level === 0 && i + 1 < end && plain(chars[i + 1], '.') && (i + 2 >= end || !plain(chars[i + 2], '}'))) commas++
    }
    return -1
  } finally {
    spend(budget, i - from + 1)
  }
}

const text = (chars: Ch[], from: number, to: number) => chars.slice(from, to).map((c) => c.c).join('')

/** bash's `expand_seqterm`: `{1..10}`, `{a..e}`, `{01..10..2}`; null when the amble is not one. */
function sequence(chars: Ch[], from: number, to: number, budget: BraceBudget): Ch[][] | null {
  if (to - from > 64) return null
  for (let i = from; i < to; i++) if (chars[i]!.q || chars[i]!.dyn) return null
  const amble = text(chars, from, to)
  const m = /^(.+?)\.\.(.+)$/s.exec(amble)
  if (!m) return null
  const [lhs, rhsAll] = [m[1]!, m[2]!]
  const intRe = /^[+-]?\d+$/
  let rhs = rhsAll
  let incr = 1n
  const step = /^(.*?)\.\.([+-]?\d+)$/s.exec(rhsAll)
  if (step) {
    rhs = step[1]!
    incr = BigInt(step[2]!)
  } else if (rhsAll.includes('..')) return null
  const lim = 1n << 63n
  let out: string[]
  if (intRe.test(lhs.trim()) && intRe.test(rhs)) {
    const a = BigInt(lhs.trim())
    const b = BigInt(rhs)
    if (a >= lim || a < -lim || b >= lim || b < -lim || incr >= lim || incr < -lim) return null
    const abs = (x: bigint) => (x < 0n ? -x : x)
    const inc = incr === 0n ? 1n : abs(incr)
    const count = abs(b - a) / inc + 1n
    if (count > BigInt(budget.words)) throw new BraceLimitError(`its brace sequence {${amble}} makes ${count} words (at most ${MAX_BRACE_WORDS} are read); loop over $(seq …) instead`)
    const padded = (s: string) => (s.length > 1 && s[0] === '0') || (s.length > 2 && s[0] === '-' && s[1] === '0')
    const width = padded(lhs) || padded(rhs) ? Math.max(lhs.length, rhs.length) : 0
    out = []
    for (let k = 0n, v = a; k < count; k++, v += a <= b ? inc : -inc) {
      const s = (v < 0n ? -v : v).toString()
      out.push(width ? `${v < 0n ? '-' : ''}${s.padStart(width - (v < 0n ? 1 : 0), '0')}` : v.toString())
    }
  } else if (/^[A-Za-z]$/.test(lhs) && /^[A-Za-z]$/.test(rhs)) {
    const a = lhs.charCodeAt(0)
    const b = rhs.charCodeAt(0)
    const inc = Math.max(1, Math.abs(Number(incr)) || 1)
    out = []
    for (let v = a; a <= b ? v <= b : v >= b; v += a <= b ? inc : -inc) out.push(String.fromCharCode(v))
  } else {
    return null
  }
  // A backslash in a letter sequence (`{Z..a}`) is removed as a quote by bash, leaving an empty word.
  return out.map((s) => (s === '\\' ? [{c: '', q: true}] : [...s].map((c) => ({c, q: true}))))
}

/** The alternatives of the amble `chars[from..to)`: split at top-level commas, each expanded. */
function amble(chars: Ch[], from: number, to: number, depth: number, budget: BraceBudget): Ch[][] {
  const out: Ch[][] = []
  let start = from
  for (;;) {
    let i = gobble(chars, start, to, ',', start, budget)
    if (i < 0) i = to
    out.push(...expandRange(chars, start, i, depth + 1, budget))
    if (i >= to) return out
    start = i + 1
  }
}

function product(words: Ch[][], pre: Ch[], tack: Ch[][], budget: BraceBudget): Ch[][] {
  const extra = words.length * tack.length - words.length
  if (extra > 0) {
    budget.words -= extra
    if (budget.words < 0) throw new BraceLimitError(`its brace expansions make more than ${MAX_BRACE_WORDS} words; write the words out, or loop over $(seq …)`)
  }
  const out: Ch[][] = []
  for (const w of words) {
    for (const t of tack) {
      spend(budget, w.length + pre.length + t.length)
      out.push([...w, ...pre, ...t])
    }
  }
  return out
}

function expandRange(chars: Ch[], from: number, to: number, depth: number, budget: BraceBudget): Ch[][] {
  if (depth > MAX_BRACE_DEPTH) throw new BraceLimitError(`its braces are nested more than ${MAX_BRACE_DEPTH} deep`)
  let words: Ch[][] = [[]]
  let start = from
  while (start < to) {
    // The first `{` that has a matching `}` (bash's loop over brace_gobbler).
    let open = gobble(chars, start, to, '{', start, budget)
    let close = -1
    while (open >= 0) {
      close = gobble(chars, open + 1, to, '}', start, budget)
      if (close >= 0) break
      open = gobble(chars, open + 1, to, '{', start, budget)
    }
    if (open < 0) return product(words, chars.slice(start, to), [[]], budget)
    const pre = chars.slice(start, open)
    let tack: Ch[][] | null
    let hasComma = false
    for (let i = open + 1; i < close; i++) {
      const ch = chars[i]!
      if (ch.c === ',' && !ch.bs && !ch.dyn) {
        hasComma = true
        break
      }
    }
    spend(budget, close - open)
    if (hasComma) tack = amble(chars, open + 1, close, depth, budget)
    else {
      tack = sequence(chars, open + 1, close, budget)
      if (!tack) {
        if (close + 1 >= to) return product(words, chars.slice(start, to), [[]], budget)
        tack = [chars.slice(open, close + 1)]
      }
    }
    words = product(words, pre, tack, budget)
    start = close + 1
  }
  return words
}

/** The words bash makes of one word by brace expansion. Throws BraceLimitError past the budget. */
export function braceExpand(chars: Ch[], budget: BraceBudget): Ch[][] {
  if (!chars.some((ch) => plain(ch, '{'))) return [chars]
  return expandRange(chars, 0, chars.length, 0, budget)
}

/**
 * A lower bound of the extra words brace expansion makes in a whole command, read from its raw
 * text before the (slow) shell parser runs: unquoted `{…,…}` groups, each worth at least one
 * more word. It undercounts whenever unsure (double quotes, comments, `${…}`; 0 when the command
 * has a here-document, whose body may be anything), so it only ever refuses early what the full
 * check would refuse too: more than MAX_BRACE_WORDS extra words.
 */
export function braceGroupsAtLeast(raw: string): number {
  if (raw.includes('<<')) return 0
  let count = 0
  const stack: boolean[] = [] // per open `{`: has a top-level comma (false for `${`)
  const param: boolean[] = []
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (c === '\\') {
      i++
    } else if (c === "'") {
      const ansi = raw[i - 1] === '$'
      for (i++; i < raw.length && raw[i] !== "'"; i++) if (ansi && raw[i] === '\\') i++
    } else if (c === '"') {
      for (i++; i < raw.length && raw[i] !== '"'; i++) if (raw[i] === '\\') i++
    } else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1]!))) {
      while (i + 1 < raw.length && raw[i + 1] !== '\n') i++
    } else if (c === '{') {
      param.push(raw[i - 1] === '$')
      stack.push(false)
    } else if (c === ',' && stack.length > 0 && !param.at(-1)) {
      stack[stack.length - 1] = true
    } else if (c === '}' && stack.length > 0) {
      param.pop()
      if (stack.pop()) count++
    }
  }
  return count
}
