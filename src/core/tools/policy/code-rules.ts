/**
 * Rules for commands that run code given to them: shells (`bash -c`, a script on stdin), `at`,
 * interpreters with code on the command line (`python -c`, `node -e`, `perl -e`, awk programs),
 * sed scripts (sed-script.ts) and in-place editors (`sed -i`, `perl -i`), tar and mapfile options
 * whose value is a command.
 *
 * Only the words that are code are judged as code: `python3 -c 'print(1)' "$f"` passes (the code
 * is literal, `$f` is an argument), `awk '{print $1 "|" $2}' "$file"` passes (a bar in a string is
 * no pipe, awk-program.ts). Code built at run time is refused, code that deletes, starts processes,
 * evaluates strings or names protected paths is refused by a heuristic scan (inline-code-scan.ts).
 */
import {readAwkCommand, awkRunsCommands} from './awk-program.js'
import type {CommandCall, CommandRule, Stdin, Walker} from './command-rules.js'
import {interpreterPattern, shells, shellValueOptions, stdinShells} from './command-names.js'
import {archivedFiles} from './file-rules.js'
import {scanInlineCode} from './inline-code-scan.js'
import {readSedCommand, sedEffects} from './sed-script.js'
import {displayWord, type ShWord} from './shell-words.js'

/** A script read from a file descriptor: `bash /dev/fd/3 3<<<…` runs what the command itself feeds it. */
export const fdScript = /^\/(dev\/fd|proc\/(self|thread-self|\d+)\/fd)\/\d+$/

export const shellRule: CommandRule = {
  id: 'shell',
  applies: ({name}) => shells.has(name),
  decide({name, args, stdin}, w) {
    let i = 0
    let hasC = false
    let readsStdin = false
    while (i < args.length) {
      const t = args[i]!.text
      if (args[i]!.dynamic) break
      if (t === '--' || t === '-') {
        i++
        if (t === '-') readsStdin = true
        break
      }
      if (shellValueOptions.has(t)) {
        i += 2
        continue
      }
      if (/^[-+][A-Za-z]+$/.test(t)) {
        if (t.startsWith('-') && t.includes('c')) hasC = true
        if (t.startsWith('-') && t.includes('s')) readsStdin = true
        i++
        continue
      }
      if (t.startsWith('--')) {
        i++
        continue
      }
      break
    }
    const operand = args[i]
    if (hasC) {
      if (!operand) w.block('unparseable', `${name} -c without a command.`)
      return w.checkCodeString(operand, `${name} -c`)
    }
    if (operand && !readsStdin) {
      if (operand.dynamic) w.block('dynamic-shell-code', `the script ${name} runs (${displayWord(operand)}) is only known at run time (a process substitution or a variable), so it cannot be checked.`)
      if (/^\/(dev\/stdin|dev\/fd\/0|proc\/self\/fd\/0)$/.test(operand.text)) return w.checkStdinCode(name, stdin, false)
      if (fdScript.test(operand.text)) w.block('dynamic-shell-code', `the script ${name} runs is read from a file descriptor (${operand.text}), which this command fills itself; write the script to a file.`)
      return
    }
    w.checkStdinCode(name, stdin, false)
  },
}

export const stdinShellRule: CommandRule = {
  id: 'stdin-shell',
  applies: ({name}) => stdinShells.has(name),
  decide: ({name, args, stdin}, w) => w.checkStdinCode(name, stdin, args[0]?.text === '-f'),
}

/** perl cluster letters whose value is the rest of the cluster (`-i.bak`, `-Mstrict`, `-F:`). */
const perlValueLetters = new Set(['i', 'I', 'M', 'm', 'x', 'F', 'd', 'D', 'C'])

type Family = 'python' | 'node' | 'deno' | 'perl' | 'php' | 'e' | 'other'

function familyOf(name: string): Family {
  if (/^(python|pypy)/.test(name)) return 'python'
  if (/^(node|nodejs|bun)$/.test(name)) return 'node'
  if (name === 'deno') return 'deno'
  if (/^perl/.test(name)) return 'perl'
  if (/^php/.test(name)) return 'php'
  if (/^(ruby|irb|lua|luajit|rscript|r|julia|osascript|groovy)/.test(name)) return 'e'
  return 'other'
}

/** The option letters that hand code on the command line, by family. */
const codeLetters: Record<Family, string> = {python: 'c', node: 'ep', deno: '', perl: 'eE', php: 'r', e: 'e', other: ''}

/**
 * The words an interpreter runs as code from its command line (`python -c CODE`, `node -e CODE`,
 * every `perl -e CODE`), or undefined when it runs a script file or reads stdin. A code option
 * without its value counts every word as code.
 */
export function inlineCodeWords(name: string, args: ShWord[]): ShWord[] | undefined {
  const family = familyOf(name)
  const code: ShWord[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const t = a.text
    if (family === 'deno') {
      if (t === 'eval') return args[i + 1] ? [args[i + 1]!] : args
      if (!t.startsWith('-')) break
      continue
    }
    if (a.dynamic || t === '--' || t === '-' || !t.startsWith('-')) break // the script, or its arguments
    if (/^--eval(=|$)/.test(t) || (family === 'node' && /^--print(=|$)/.test(t))) {
      const eq = t.indexOf('=')
      const value = eq >= 0 ? {...a, text: t.slice(eq + 1)} : args[++i]
      if (!value) return args
      code.push(value)
      continue
    }
    if (t.startsWith('--')) continue
    for (let k = 1; k < t.length; k++) {
      const l = t[k]!
      if (codeLetters[family].includes(l) || (family === 'other' && t.length === 2 && (l === 'e' || l === 'c'))) {
        const rest = t.slice(k + 1)
        if (family === 'node' || rest === '') {
          const value = args[i + 1]
          if (!value) return args
          code.push(value)
          i++
        } else code.push({...a, text: rest})
        if (family === 'python') return code // the code ends python's options
        break
      }
      if (family === 'perl') {
        if (perlValueLetters.has(l)) break
        // -l and -0 take octal digits (-0 also xHEX), then the cluster goes on: `-lane`, `-0777ne`.
        if ((l === 'l' || l === '0') && /[xX]/.test(t[k + 1] ?? '') && l === '0') while (k + 1 < t.length && /[xX0-9a-fA-F]/.test(t[k + 1]!)) k++
        else if (l === 'l' || l === '0') while (k + 1 < t.length && /[0-7]/.test(t[k + 1]!)) k++
      }
      if (family === 'python') {
        if (l === 'm') return code.length > 0 ? code : undefined
        if (l === 'W' || l === 'X') {
          if (k === t.length - 1) i++
          break
        }
      }
    }
  }
  return code.length > 0 ? code : undefined
}

function decideAwk(call: CommandCall, w: Walker): void {
  const {name} = call
  const {program, extensions} = readAwkCommand(call.args)
  if (extensions.length > 0) w.block('inline-code-eval', `the ${name} command loads a native extension (${extensions.map(displayWord).join(', ')}).`)
  if (program.some((p) => p.dynamic)) {
    w.block('dynamic-inline-code', `the ${name} program is built at run time ($VAR, $(…)), so it cannot be checked; write it literally or in a file.`)
  }
  const text = program.map((p) => p.text).join('\n')
  const finding = scanInlineCode(text, name)
  if (finding) w.block(finding.rule, `the ${name} program on the command line ${finding.what}; use the file tools or plain shell commands the policy can check instead.`)
  if (awkRunsCommands(text)) w.block('inline-code-exec', `the ${name} program runs shell commands (system(), pipes or @-calls).`)
}

function decideStdinInterpreter(name: string, args: ShWord[], stdin: Stdin, w: Walker): void {
  const positional = args.filter((a) => !a.text.startsWith('-') || a.text === '-')
  const readsStdin = positional.length === 0 || positional[0]!.text === '-'
  if (!readsStdin) return
  if (stdin.kind === 'pipe') {
    w.block('pipe-to-interpreter', `piping into ${name} runs whatever the previous command prints without it being checked; save it to a file, read it, then run it.`)
  }
  if (stdin.kind === 'text') {
    if (stdin.dynamic) w.block('dynamic-inline-code', `the code fed to ${name} is built at run time, so it cannot be checked.`)
    const found = scanInlineCode(stdin.text, name)
    if (found) w.block(found.rule, `the ${name} code fed on stdin ${found.what}.`)
  }
}

export const interpreterRule: CommandRule = {
  id: 'interpreter',
  applies: ({name}) => interpreterPattern.test(name),
  decide(call, w) {
    const {name, args, stdin} = call
    if (/awk$/.test(name)) return decideAwk(call, w)
    const code = inlineCodeWords(name, args)
    if (/^perl/.test(name) && args.some((a) => /^-[A-Za-z]*i/.test(a.text))) {
      for (const a of args) if (!a.text.startsWith('-') && !code?.includes(a)) w.checkWriteTarget(a, `${name} -i`)
    }
    if (!code) return decideStdinInterpreter(name, args, stdin, w)
    if (code.some((c) => c.dynamic)) {
      w.block('dynamic-inline-code', `the code given to ${name} is built at run time ($VAR, $(…)), so it cannot be checked; write it literally or in a file.`)
    }
    const finding = scanInlineCode(code.map((c) => c.text).join('\n'), name)
    if (finding) w.block(finding.rule, `the ${name} code on the command line ${finding.what}; use the file tools or plain shell commands the policy can check instead.`)
  },
}

/** sed: its script may run commands (`e`), write and read files (`w`, `r`); `-i` rewrites its files. */
export const sedRule: CommandRule = {
  id: 'sed',
  applies: ({name}) => name === 'sed' || name === 'gsed',
  decide({name, args}, w) {
    const sed = readSedCommand(args)
    if (sed.inPlace) for (const f of sed.files) w.checkWriteTarget(f, `${name} -i`)
    if (sed.sandboxed) return
    if (sed.scripts.length === 0) return
    if (sed.scripts.some((x) => x.dynamic)) w.block('dynamic-inline-code', `the ${name} script is built at run time ($VAR, $(…)), so it cannot be checked; write it literally or in a file.`)
    // sed joins its -e pieces with newlines (`-e 'a\\' -e 'text'` is one command).
    const effects = sedEffects(sed.scripts.map((x) => x.text).join('\n'))
    if (effects.unreadable) w.block('inline-code-exec', `the ${name} script could not be read (${effects.unreadable}); simplify it or use --sandbox.`)
    if (effects.executes) w.block('inline-code-exec', `the ${name} script runs shell commands (the e command or the e flag of s).`)
    // File names in a script are taken literally (no ~ expansion), relative to the working directory.
    for (const file of effects.writes) w.checkWriteTarget({text: file, dynamic: false, splittable: false, glob: false}, `${name} w`)
    for (const file of effects.reads) w.checkNamedPath({text: file, dynamic: false, splittable: false, glob: false})
  },
  textArgs: ({args}) => readSedCommand(args).scripts,
}

/** Options of tar whose value is a command it runs (`--checkpoint-action=exec=…`, `--to-command`, `-I`). */
const tarCommandOptions = ['--to-command', '--use-compress-program', '--info-script', '--new-volume-script', '--rsh-command']

export const tarRule: CommandRule = {
  id: 'tar',
  applies: ({name}) => name === 'tar' || name === 'bsdtar',
  decide({name, args}, w) {
    // Creating an archive reads whole trees: `tar czf h.tgz ~` carries ~/.ssh along.
    if (/^-?[A-Za-z]*c/.test(args[0]?.text ?? '') || args.some((a) => a.text === '--create')) {
      for (const f of archivedFiles(name, args)) w.checkRecursiveRead(f, `${name} (archiving)`)
    }
    for (let i = 0; i < args.length; i++) {
      const t = args[i]!.text
      const eq = t.indexOf('=')
      const opt = eq >= 0 ? t.slice(0, eq) : t
      if (opt === '--checkpoint-action') {
        const value = eq >= 0 ? {...args[i]!, text: t.slice(eq + 1)} : args[++i]
        if (value && /^exec=/.test(value.text)) w.checkCodeString({...value, text: value.text.slice(5)}, `${name} --checkpoint-action=exec`)
        else if (value?.dynamic) w.block('dynamic-shell-code', `${name} --checkpoint-action built at run time may run a command; write it literally.`)
      } else if (tarCommandOptions.some((o) => o.length > 4 && o.startsWith(opt) && opt.length >= 5)) {
        w.checkCodeString(eq >= 0 ? {...args[i]!, text: t.slice(eq + 1)} : args[++i], `${name} ${opt}`)
      } else if (/^-[A-Za-z]*[IF]$/.test(t) && !t.startsWith('--')) {
        w.checkCodeString(args[++i], `${name} ${t}`)
      } else if (/^-[A-Za-z]*[IF]./.test(t) && !t.startsWith('--')) {
        const k = Math.max(t.indexOf('I'), t.indexOf('F'))
        w.checkCodeString({...args[i]!, text: t.slice(k + 1)}, `${name} ${t.slice(0, k + 1)}`)
      }
    }
  },
}

/** `mapfile -C CALLBACK` and `readarray -C`: the callback is shell code run for each line. */
export const mapfileRule: CommandRule = {
  id: 'mapfile',
  applies: ({name}) => name === 'mapfile' || name === 'readarray',
  decide({name, args}, w) {
    for (let i = 0; i < args.length; i++) {
      const t = args[i]!.text
      if (t === '-C') w.checkCodeString(args[++i], `${name} -C`)
      else if (/^-C./.test(t)) w.checkCodeString({...args[i]!, text: t.slice(2)}, `${name} -C`)
      else if (/^-[a-zA-Z]*C$/.test(t)) w.checkCodeString(args[++i], `${name} -C`)
    }
  },
}
