/**
 * Reading an awk command line: which words are the program, and whether the program runs shell
 * commands. In awk a single `|` only ever means a pipe to or from a command (`print | "sort"`,
 * `"date" | getline`, gawk's `|&`), and `system()` runs one; the old check looked for a `|`
 * anywhere after `print`, so `awk '{print $1 "|" $2}'` (a bar inside a string) was refused. Here
 * strings, regular expression literals and comments are skipped and `||` is a logical or, in one
 * pass over the program.
 */
import type {ShWord} from './shell-words.js'

/** awk options that take a value (attached or as the next word); -f/-E/-e/--source are handled apart. */
const valueOptions = new Set(['-F', '-v', '-W', '--field-separator', '--assign', '--include', '-i', '--load', '-l'])

export interface AwkCommand {
  /** The program's words (the first operand, or every -e/--source value). */
  program: ShWord[]
  /** Program files (-f/-E/--file/--exec), libraries (-i/--include) and extensions (-l/--load). */
  files: ShWord[]
  extensions: ShWord[]
}

export function readAwkCommand(args: ShWord[]): AwkCommand {
  const program: ShWord[] = []
  const files: ShWord[] = []
  const extensions: ShWord[] = []
  let fromFile = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const t = a.text
    if (a.dynamic && !t.startsWith('-')) {
      if (!fromFile && program.length === 0) program.push(a)
      break
    }
    if (t === '--') {
      if (!fromFile && program.length === 0 && args[i + 1]) program.push(args[i + 1]!)
      break
    }
    const long = /^(--[a-z-]+)(=(.*))?$/s.exec(t)
    const opt = long ? long[1]! : t.slice(0, 2)
    const attached = long ? long[3] : t.length > 2 ? t.slice(2) : undefined
    const valueWord = (): ShWord | undefined => (attached !== undefined ? {...a, text: attached} : args[++i])
    if (opt === '-e' || opt === '--source') {
      const v = valueWord()
      if (v) program.push(v)
      continue
    }
    if (opt === '-f' || opt === '-E' || opt === '--file' || opt === '--exec') {
      fromFile = true
      const v = valueWord()
      if (v) files.push(v)
      continue
    }
    if (opt === '-l' || opt === '--load') {
      const v = valueWord()
      if (v) extensions.push(v)
      continue
    }
    if (valueOptions.has(opt)) {
      const v = valueWord()
      if ((opt === '-i' || opt === '--include') && v) files.push(v)
      continue
    }
    if (t.startsWith('-') && t !== '-') continue
    if (!fromFile && program.length === 0) program.push(a)
    break
  }
  return {program, files, extensions}
}

/** Where a `/` starts a regular expression rather than a division (after these, or at the start). */
const regexContext = new Set(['', '(', ',', '{', ';', '~', '!', '|', '&', '\n', '}', '=', '?', ':'])

/**
 * Does this awk program run shell commands (`system()`, pipes, coprocesses) or reach functions it
 * names at run time (gawk's `@f()` indirect calls, `@load`)? A `/` is read as a regular
 * expression only where awk can only mean one; elsewhere it is a division and what follows is
 * read as code, so a mistake refuses rather than hides a pipe.
 */
export function awkRunsCommands(program: string): boolean {
  let last = '' // the last significant character outside strings, regexes and comments
  for (let i = 0; i < program.length; i++) {
    const c = program[i]!
    if (c === '"') {
      for (i++; i < program.length && program[i] !== '"'; i++) if (program[i] === '\\') i++
      last = '"'
      continue
    }
    if (c === '#') {
      while (i + 1 < program.length && program[i + 1] !== '\n') i++
      continue
    }
    if (c === '/' && regexContext.has(last)) {
      let inClass = false
      for (i++; i < program.length; i++) {
        const r = program[i]!
        if (r === '\\') i++
        else if (r === '[') inClass = true
        else if (r === ']') inClass = false
        else if (r === '\n') return true // an unterminated regex: awk would not run it; refuse rather than guess
        else if (r === '/' && !inClass) break
      }
      last = '/'
      continue
    }
    if (c === '|') {
      if (program[i + 1] !== '|') return true
      i++
      last = '|'
      continue
    }
    if (c === '@') return true
    if (c === '\n') {
      last = '\n'
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r') continue
    if (/[A-Za-z_]/.test(c)) {
      let j = i
      while (j < program.length && /\w/.test(program[j]!)) j++
      if (program.slice(i, j) === 'system') return true // a built-in: never a variable's name
      i = j - 1
      last = 'a'
      continue
    }
    last = c
  }
  return false
}
