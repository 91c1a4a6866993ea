/**
 * Reading a sed command line: which words are the script, which are files, and what the script
 * does beyond editing text. GNU sed runs shell commands (`e`, the `e` flag of `s`), writes files
 * (`w`, `W`, the `w` flag of `s`) and reads them (`r`, `R`); the old check looked only at `-i`,
 * and caught `sed '1e cat ~/.ssh/id_rsa'` by accident (a segment named .ssh), never `sed '1e rm
 * -rf ~'`. One pass over the script; a script it cannot read is reported as such, never guessed.
 */
import type {ShWord} from './shell-words.js'

export interface SedCommand {
  /** Script words (-e values, --expression=, or the first operand). */
  scripts: ShWord[]
  /** Input files (the other operands). */
  files: ShWord[]
  inPlace: boolean
  /** --sandbox: sed itself refuses e, r and w. */
  sandboxed: boolean
}

const valueOptions = new Set(['-e', '-f', '-l', '--expression', '--file', '--line-length'])

export function readSedCommand(args: ShWord[]): SedCommand {
  const scripts: ShWord[] = []
  const operands: ShWord[] = []
  let fromOption = false
  let inPlace = false
  let sandboxed = false
  let done = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const t = a.text
    if (done || a.dynamic || !t.startsWith('-') || t === '-') {
      operands.push(a)
      continue
    }
    if (t === '--') {
      done = true
      continue
    }
    if (t === '--sandbox') sandboxed = true
    if (t.startsWith('--in-place')) inPlace = true
    const long = /^(--[a-z-]+)=(.*)$/s.exec(t)
    if (long) {
      if (long[1] === '--expression') scripts.push({...a, text: long[2]!})
      if (long[1] === '--expression' || long[1] === '--file') fromOption = true
      continue
    }
    if (t.startsWith('--')) {
      if (valueOptions.has(t)) {
        if (t === '--expression' && args[i + 1]) scripts.push(args[i + 1]!)
        if (t !== '--line-length') fromOption = true
        i++
      }
      continue
    }
    // A cluster of short options: -n, -E, -i[SUFFIX], -e SCRIPT, -f FILE, -l N, -s, -u, -z.
    for (let k = 1; k < t.length; k++) {
      const l = t[k]!
      if (l === 'i') {
        inPlace = true
        break // the rest is the backup suffix
      }
      if (l === 'e' || l === 'f' || l === 'l') {
        const rest = t.slice(k + 1)
        const value = rest ? {...a, text: rest} : args[++i]
        if (l === 'e' && value) scripts.push(value)
        if (l !== 'l') fromOption = true
        break
      }
    }
  }
  if (!fromOption && operands.length > 0) scripts.push(operands.shift()!)
  return {scripts, files: operands, inPlace, sandboxed}
}

export interface SedEffects {
  /** Runs shell commands (`e`, `s///e`). */
  executes: boolean
  /** Files it writes (`w`, `W`, `s///w`). */
  writes: string[]
  /** Files it reads (`r`, `R`). */
  reads: string[]
  /** Where the script could not be read (a command sed does not know, an unclosed regex). */
  unreadable?: string
}

const simpleCommands = new Set(['{', '}', '=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x', 'z', 'F'])

/** What a GNU sed script does besides editing the text it reads. */
export function sedEffects(script: string): SedEffects {
  const out: SedEffects = {executes: false, writes: [], reads: []}
  const n = script.length
  let i = 0
  const restOfLine = (): string => {
    let text = ''
    while (i < n && script[i] !== '\n') {
      if (script[i] === '\\' && i + 1 < n) i++
      text += script[i++]
    }
    return text.trim()
  }
  /** Skips a regex or replacement up to the unescaped delimiter; false when it never closes. */
  const skipDelimited = (delim: string): boolean => {
    let inClass = false
    for (; i < n; i++) {
      const c = script[i]!
      if (c === '\\') i++
      else if (c === '[' && delim !== '[') inClass = true
      else if (c === ']') inClass = false
      else if (c === delim && !inClass) {
        i++
        return true
      } else if (c === '\n' && delim !== '\n') return false
    }
    return false
  }
  const skipAddress = (): boolean => {
    if (script[i] === '/') {
      i++
      if (!skipDelimited('/')) return false
      while (script[i] === 'I' || script[i] === 'M') i++
    } else if (script[i] === '\\') {
      const d = script[i + 1]
      if (d === undefined) return false
      i += 2
      if (!skipDelimited(d)) return false
      while (script[i] === 'I' || script[i] === 'M') i++
    } else if (script[i] === '$') i++
    else while (i < n && /[0-9~+]/.test(script[i]!)) i++
    return true
  }
  while (i < n) {
    const c = script[i]!
    if (/[\s;]/.test(c)) {
      i++
      continue
    }
    if (c === '#') {
      restOfLine()
      continue
    }
    if (!skipAddress()) return {...out, unreadable: 'an address that never closes'}
    while (script[i] === ' ') i++
    if (script[i] === ',') {
      i++
      while (script[i] === ' ') i++
      if (!skipAddress()) return {...out, unreadable: 'an address that never closes'}
    }
    while (script[i] === ' ' || script[i] === '!') i++
    const cmd = script[i++]
    if (cmd === undefined) break
    if (simpleCommands.has(cmd)) continue
    if ('qQlL'.includes(cmd)) {
      while (i < n && /[\d ]/.test(script[i]!)) i++
    } else if (cmd === ':' || 'btTv'.includes(cmd)) {
      while (i < n && script[i] !== '\n' && script[i] !== ';') i++
    } else if ('aic'.includes(cmd)) {
      restOfLine()
    } else if (cmd === 'r' || cmd === 'R') {
      out.reads.push(restOfLine())
    } else if (cmd === 'w' || cmd === 'W') {
      out.writes.push(restOfLine())
    } else if (cmd === 'e') {
      out.executes = true
      restOfLine()
    } else if (cmd === 's' || cmd === 'y') {
      const d = script[i++]
      if (d === undefined || d === '\n' || d === '\\') return {...out, unreadable: `an ${cmd} command without a delimiter`}
      if (!skipDelimited(d) || !skipDelimited(d)) return {...out, unreadable: `an ${cmd} command that never closes`}
      if (cmd === 'y') continue
      while (i < n && /[gpiImMe0-9]/.test(script[i]!)) {
        if (script[i] === 'e') out.executes = true
        i++
      }
      if (script[i] === 'w') {
        i++
        out.writes.push(restOfLine())
      }
    } else {
      return {...out, unreadable: `the command ${JSON.stringify(cmd)}`}
    }
  }
  return out
}
