/**
 * Commands that run other commands (env, sudo, timeout, xargs, nohup, …, command-names.ts's
 * `wrappers`): their options are read as each program reads them, and the command they run is
 * checked as if it stood alone. An option the table does not know may take a value, so every later
 * word is tried as the start of the command; the walker remembers which tails it has checked, so a
 * chain of wrappers with unknown options costs one check per word instead of one per way of
 * reading them (32 to the power of the nesting before).
 */
import type {CommandRule, Stdin, Walker} from './command-rules.js'
import {wrappers, type WrapperSpec} from './command-names.js'
import {dynamicWord, literalWord, type ShWord} from './shell-words.js'

/** Wrappers whose unknown options are ignored rather than assumed to take a value. */
const lenient = new Set(['valgrind', 'firejail', 'prlimit', 'unshare'])

function withAppended(argv: ShWord[], spec: WrapperSpec): ShWord[] {
  return spec.appendsArgs ? [...argv, dynamicWord] : argv
}

function decideWrapper(name: string, spec: WrapperSpec, args: ShWord[], stdin: Stdin, w: Walker): void {
  let i = 0
  const takes = new Set(spec.takes)
  const flags = new Set(spec.flags)
  const code = new Set(spec.code ?? [])
  const codeMode = new Set(spec.codeMode ?? [])
  const noCommand = new Set(spec.noCommand ?? [])
  const attachedOnly = new Set(spec.attachedOnly ?? [])
  let shellMode = false
  const unknownOption = () => {
    for (let j = i + 1; j < args.length && j < i + 32; j++) {
      if (!args[j]!.text.startsWith('-')) w.checkArgv(withAppended(args.slice(j), spec), stdin, false)
    }
  }
  while (i < args.length) {
    const a = args[i]!
    if (a.dynamic) break
    const t = a.text
    if (t === '--') {
      i++
      break
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) {
      const eq = t.indexOf('=')
      w.checkEnvAssignment(t.slice(0, eq), {...a, text: t.slice(eq + 1)})
      i++
      continue
    }
    if (!t.startsWith('-') || (t === '-' && !flags.has('-'))) break
    if (t.startsWith('--')) {
      const [opt, value] = t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, undefined]
      if (code.has(opt)) return w.checkCodeString(value === undefined ? args[i + 1] : literalWord(value), `${name} ${opt}`)
      if (codeMode.has(opt)) shellMode = true
      else if (noCommand.has(opt)) return
      else if (takes.has(opt)) {
        if (value === undefined) i++
      } else if (!flags.has(opt) && !lenient.has(name)) {
        unknownOption()
        return
      }
      i++
      continue
    }
    if (t === '-') {
      i++
      continue
    }
    let consumedNext = false
    let stop = false
    for (let k = 1; k < t.length; k++) {
      const opt = `-${t[k]}`
      const rest = t.slice(k + 1)
      if (code.has(opt)) return w.checkCodeString(rest ? literalWord(rest) : args[i + 1], `${name} ${opt}`)
      if (codeMode.has(opt)) {
        shellMode = true
        continue
      }
      if (noCommand.has(opt)) return
      if (takes.has(opt)) {
        if (!rest) consumedNext = true
        break
      }
      if (attachedOnly.has(opt)) break
      if (flags.has(opt)) continue
      if (name === 'nice' && /^-\d+$/.test(t)) break
      stop = true
      break
    }
    if (stop) {
      unknownOption()
      return
    }
    i += consumedNext ? 2 : 1
  }
  // `env -- X=1 cmd`: assignments still come before the command after `--`.
  while (spec.assignments && i < args.length && !args[i]!.dynamic && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!.text)) {
    const t = args[i]!.text
    w.checkEnvAssignment(t.slice(0, t.indexOf('=')), {...args[i]!, text: t.slice(t.indexOf('=') + 1)})
    i++
  }
  for (let p = 0; p < (spec.positionals ?? 0) && i < args.length; p++) i++
  const rest = args.slice(i)
  if (rest.length === 0) return
  if (shellMode || spec.joinsAsCode) return w.checkJoinedCode(rest, name)
  w.checkArgv(withAppended(rest, spec), stdin, false)
}

export const wrapperRule: CommandRule = {
  id: 'wrapper',
  applies: ({name}) => Object.hasOwn(wrappers, name),
  decide: ({name, args, stdin}, w) => decideWrapper(name, wrappers[name]!, args, stdin, w),
}
