/**
 * The per-command rules, as an ordered table: the first rule that `applies` to a command decides
 * it (as claude-code-router's routing/policy-engine.ts orders its rules). A rule sees one command
 * at a time, its words already expanded as bash would (shell-words.ts), and asks the walker
 * (command-policy.ts) for everything that needs the whole command: where the working directory
 * is, whether a path is protected, checking a wrapped command or a script given as a string.
 * Each rule can be tried alone with `decideWithRule` (command-policy.ts).
 *
 * The groups live beside this file: code-rules.ts (shells, interpreters, awk), file-rules.ts
 * (deletes, moves, copies, writes), git-rules.ts, wrapper-rule.ts; environment assignments have
 * their own table (env-rules.ts).
 */
import {fdScript, interpreterRule, mapfileRule, sedRule, shellRule, stdinShellRule, tarRule} from './code-rules.js'
import {diskTools, powerTools, powerVerbs} from './command-names.js'
import {copyRule, ddRule, deleteRule, findRule, modifyRule, moveRule, zipRule} from './file-rules.js'
import {gitRule} from './git-rules.js'
import {displayWord, literalWord, type ShWord} from './shell-words.js'
import {wrapperRule} from './wrapper-rule.js'

/** What a command reads on its standard input, as far as the walker knows. */
export type Stdin = {kind: 'none'} | {kind: 'pipe'} | {kind: 'file'} | {kind: 'text'; text: string; dynamic: boolean}

/** One simple command, as a rule sees it. */
export interface CommandCall {
  /** The name compared with the rules: basename of the first word, folded (`/bin/RM` → `rm`). */
  name: string
  /** Every word, the command's own first. */
  argv: ShWord[]
  /** The words after the command name. */
  args: ShWord[]
  stdin: Stdin
}

/** What a rule may ask of the walker reading the whole command. Every `check…` throws to refuse. */
export interface Walker {
  /** Refuses the command: `rule` is a stable id, `reason` is meant for the model. */
  block(rule: string, reason: string): never
  /** Checks a command line (the one a wrapper runs); `generic` also checks every word as a path. */
  checkArgv(argv: ShWord[], stdin: Stdin, generic: boolean): void
  /** Parses and checks shell source (`bash -c`, an alias body). */
  checkScript(source: string, stdin: Stdin): void
  /** Shell code given as one word (refused when built at run time). */
  checkCodeString(word: ShWord | undefined, what: string): void
  /** Shell code made of several words joined by spaces (`watch`, `sudo -s`). */
  checkJoinedCode(words: ShWord[], what: string): void
  /** A shell or `at` reading its code from standard input. */
  checkStdinCode(name: string, stdin: Stdin, fromFile: boolean): void
  checkNamedPath(w: ShWord): void
  checkWriteTarget(w: ShWord, what: string): void
  /** A delete of `w` (rm, the source of mv, rsync --delete); `recursive` when whole trees go. */
  checkDeleteTarget(w: ShWord, recursive: boolean, what: string): void
  /** Deleting what lies inside `dir` (a glob, `find -delete`). */
  checkContainerDelete(dir: string, recursive: boolean, what: string): void
  /** Reading everything under `w` (`grep -r`, `cp -r`): refused when a never-readable path lies inside. */
  checkRecursiveRead(w: ShWord, what: string): void
  /** `NAME=value` for the environment of later programs (env-rules.ts). */
  checkEnvAssignment(name: string, value: ShWord | undefined): void
  /** Lexical absolute paths of a static path text, one per possible working directory (null: unknown). */
  resolveAll(text: string): Array<string | null>
  /** Lexical and physical paths of a static, non-glob path text; `unknown` when a directory is unknown. */
  pathsOf(text: string): {paths: string[]; unknown: boolean}
  /** `/`, the home, the workspace or one of their parents. */
  isRootLike(p: string): boolean
  isSystem(p: string): boolean
  changeDirectory(args: ShWord[]): void
  /** The working directory becomes unknown (`popd`). */
  forgetDirectory(): void
  /** A function defined in this command, and a call to it (which may `cd`). */
  isFunction(name: string): boolean
  callFunction(): void
}

export interface CommandRule {
  id: string
  applies(call: CommandCall, w: Walker): boolean
  decide(call: CommandCall, w: Walker): void
  /**
   * Words this command reads as text, never as file names (a grep pattern, a commit message):
   * they are still checked where their place is known, but not guessed at where it is not.
   */
  textArgs?(call: CommandCall): ShWord[]
}

const searchTools = new Set(['grep', 'egrep', 'fgrep', 'rg', 'ag', 'ack', 'zgrep'])

/** The pattern words of a grep-like command: -e values, or the first operand. */
function searchPattern(args: ShWord[]): ShWord[] {
  const text: ShWord[] = []
  let pattern = true
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text
    if (t === '--') {
      if (pattern && args[i + 1]) text.push(args[i + 1]!)
      break
    }
    if (t === '-e' || t === '--regexp') {
      if (args[i + 1]) text.push(args[i + 1]!)
      pattern = false
      i++
    } else if (t.startsWith('--regexp=') || /^-e./.test(t)) {
      text.push(args[i]!)
      pattern = false
    } else if (t === '-f' || t.startsWith('--file')) {
      pattern = false
      if (t === '-f') i++
    } else if (searchValueOptions.has(t)) i++
    else if (!t.startsWith('-') && pattern) {
      text.push(args[i]!)
      break
    }
  }
  return text
}

/** The operands of a grep-like command (pattern included), skipping options and their values. */
function searchOperands(args: ShWord[]): ShWord[] {
  const out: ShWord[] = []
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text
    if (t === '--') {
      out.push(...args.slice(i + 1))
      break
    }
    if (searchValueOptions.has(t)) i++
    else if (!t.startsWith('-') || t === '-') out.push(args[i]!)
  }
  return out
}

/** Options before the first operand of grep-like tools that take a value. */
const searchValueOptions = new Set(['-e', '-f', '-m', '-A', '-B', '-C', '-d', '-D', '-g', '-t', '-T', '-M', '-j', '-E', '--regexp', '--file', '--max-count', '--glob', '--type', '--type-not'])

const rules: CommandRule[] = [
  {
    id: 'eval',
    applies: ({name}) => name === 'eval',
    decide: (_c, w) => w.block('eval', '`eval` runs a string built at run time, which cannot be checked; run the command directly.'),
  },
  {
    id: 'source',
    applies: ({name}) => name === 'source' || name === '.',
    decide({args, stdin}, w) {
      const file = args[0]
      if (!file) return
      if (file.dynamic) w.block('dynamic-shell-code', `the file sourced (${displayWord(file)}) is only known at run time, so it cannot be checked.`)
      if (/^\/(dev\/stdin|dev\/fd\/0|proc\/self\/fd\/0)$/.test(file.text)) w.checkStdinCode('source', stdin, false)
      else if (fdScript.test(file.text)) w.block('dynamic-shell-code', `the file sourced (${file.text}) is a file descriptor this command fills itself; write the script to a file.`)
    },
  },
  {id: 'cd', applies: ({name}) => name === 'cd' || name === 'pushd', decide: ({args}, w) => w.changeDirectory(args)},
  {id: 'popd', applies: ({name}) => name === 'popd', decide: (_c, w) => w.forgetDirectory()},
  {
    id: 'function-call',
    applies: ({name, argv}, w) => w.isFunction(name) && argv[0]!.text === name,
    decide: (_c, w) => w.callFunction(),
  },
  {
    id: 'alias',
    applies: ({name}) => name === 'alias',
    decide({args}, w) {
      for (const a of args) {
        const eq = a.text.indexOf('=')
        if (eq < 0) continue
        if (a.dynamic) w.block('dynamic-shell-code', 'an alias whose value is built at run time cannot be checked.')
        w.checkScript(a.text.slice(eq + 1), {kind: 'none'})
      }
    },
  },
  {
    id: 'trap',
    applies: ({name}) => name === 'trap',
    decide({args}, w) {
      const body = args.filter((a) => a.text !== '--')[0]
      if (!body || body.text.startsWith('-')) return
      w.checkCodeString(body, 'trap')
    },
  },
  {
    id: 'kill',
    applies: ({name}) => name === 'kill',
    decide({args}, w) {
      const afterDashes = args.findIndex((a) => a.text === '--')
      const targets = afterDashes >= 0 ? args.slice(afterDashes + 1) : args.slice(1)
      if (targets.some((a) => a.text === '-1')) w.block('kill-all', '`kill … -1` signals every process of the user; name the process ids instead.')
    },
  },
  {
    id: 'builtin-override',
    applies: ({name, args}) => (name === 'hash' && args.some((a) => /^-[a-z]*p/.test(a.text))) || (name === 'enable' && args.some((a) => /^-[a-z]*f/.test(a.text))),
    decide: ({name}, w) =>
      w.block('dynamic-command', name === 'hash' ? '`hash -p` makes a command name run another program, so what later commands run cannot be read from them.' : '`enable -f` loads a builtin from a shared library (native code).'),
  },
  {
    id: 'declare',
    applies: ({name}) => ['export', 'declare', 'typeset', 'local', 'readonly'].includes(name),
    decide({args}, w) {
      for (const a of args) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=|$)/.exec(a.text)
        if (m && !a.text.startsWith('-')) w.checkEnvAssignment(m[1]!, m[2] ? {...a, text: a.text.slice(m[0].length)} : undefined)
      }
    },
  },
  shellRule,
  stdinShellRule,
  interpreterRule,
  findRule,
  deleteRule,
  moveRule,
  ddRule,
  {
    id: 'disk-format',
    applies: ({name}) => diskTools.test(name),
    decide: ({name}, w) => w.block('disk-format', `${name} formats or erases disks and is never run by the tools.`),
  },
  {
    id: 'shutdown',
    applies: ({name, args}) =>
      powerTools.has(name) ||
      (name === 'init' && args.some((a) => /^[06sS]$/.test(a.text))) ||
      ((name === 'systemctl' || name === 'loginctl') && args.some((a) => powerVerbs.has(a.text))),
    decide({name, args}, w) {
      if (powerTools.has(name)) w.block('shutdown', `${name} stops or restarts the machine and is never run by the tools.`)
      if (name === 'init') w.block('shutdown', '`init 0/6` stops or restarts the machine.')
      w.block('shutdown', `${name} ${args.map(displayWord).join(' ')} stops, restarts or suspends the machine or a session.`)
    },
  },
  gitRule,
  modifyRule,
  copyRule,
  sedRule,
  tarRule,
  zipRule,
  mapfileRule,
  {
    id: 'crontab',
    applies: ({name, args}) => name === 'crontab' && args.some((a) => !a.text.startsWith('-') || a.text === '-'),
    decide: (_c, w) => w.block('persistence', 'installing a crontab makes commands run later, outside the tools; it is not allowed.'),
  },
  wrapperRule,
  {
    id: 'text-search',
    applies: ({name}) => searchTools.has(name),
    decide({name, args}, w) {
      // rg, ag and ack always search folders; grep only with -r (then with no file, `.`).
      const recursive = name === 'rg' || name === 'ag' || name === 'ack' || args.some((a) => /^-[A-Za-z]*[rR]/.test(a.text) || a.text === '--recursive' || a.text === '--dereference-recursive')
      if (!recursive) return
      const pattern = new Set(searchPattern(args))
      const paths = searchOperands(args).filter((a) => !pattern.has(a))
      for (const p of paths.length > 0 ? paths : [literalWord('.')]) w.checkRecursiveRead(p, `${name} (recursive)`)
    },
    textArgs: ({args}) => searchPattern(args),
  },
  {
    id: 'print',
    applies: ({name}) => name === 'echo' || name === 'printf',
    decide: () => undefined,
    textArgs: ({args}) => args,
  },
]

export const commandRules: readonly CommandRule[] = rules

/** The rule that decides `call`: the first one that applies. */
export function ruleFor(call: CommandCall, w: Walker): CommandRule | undefined {
  return rules.find((r) => r.applies(call, w))
}
