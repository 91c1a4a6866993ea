/**
 * The command policy: reads a command as bash would (mvdan/sh's parser, see shell-syntax.ts) and
 * refuses the dangerous ones. It walks every statement, pipeline, list, subshell, brace group,
 * function body, `$(…)`, backquote and `<(…)`; evaluates words statically (quotes, escapes,
 * `$'…'`, brace expansion, `~`); looks through wrappers (env, sudo, timeout, xargs, …) and
 * re-parses `bash -c` bodies. What it cannot resolve statically where it matters (a command name
 * built from expansions, a recursive delete of `$dir`) it refuses.
 *
 * It is a filter, not a sandbox: it cannot see inside scripts a command runs. The bubblewrap
 * sandbox (policy `sandbox: bubblewrap`) is the OS-level boundary.
 */
import {basename, isAbsolute, resolve} from 'node:path'

import {
  copiers,
  dangerousEnv,
  dangerousGitConfigKey,
  deleters,
  diskTools,
  forcePushOptions,
  inlineCodeOption,
  interpreterPattern,
  modifiers,
  powerTools,
  powerVerbs,
  shells,
  shellValueOptions,
  stdinShells,
  wrappers,
  type WrapperSpec,
} from './command-names.js'
import {scanInlineCode} from './inline-code-scan.js'
import {checkDenyLists} from './path-policy.js'
import {contextCwd, contextHome, contextRoot, type PolicyContext, type PolicyDecision} from './policy-context.js'
import {
  foldPath,
  globMayTouchPattern,
  isHarmlessDevice,
  neverReadableEntries,
  neverWritableEntries,
  pathContainsPattern,
  pathMatchesPattern,
} from './protected-paths.js'
import {isInside, rawJoin, resolveReal} from './path-resolve.js'
import {child, litValue, nodes, nodeType, parseShell, shellOps, ShellParseError, walk, type ShNode} from './shell-syntax.js'
import {
  bodyText,
  displayWord,
  DYN,
  dynamicWord,
  expandWord,
  GLOB_CLASS,
  GLOB_QMARK,
  GLOB_STAR,
  hasGlobMarker,
  literalWord,
  type ShWord,
  type WordEnv,
} from './shell-words.js'

export type CommandDecision = PolicyDecision

const MAX_COMMAND_BYTES = 64 * 1024
const MAX_DEPTH = 8
const globMarkers = {star: GLOB_STAR, qmark: GLOB_QMARK, klass: GLOB_CLASS}
const protectedSegments = new Set(['.ssh', '.aws', '.gnupg', 'credentials', '.netrc', '.git-credentials'])

class Blocked extends Error {
  constructor(
    readonly rule: string,
    readonly reason: string,
  ) {
    super(reason)
  }
}

type Stdin = {kind: 'none'} | {kind: 'pipe'} | {kind: 'file'} | {kind: 'text'; text: string; dynamic: boolean}

/** Decides whether `command` may run. Never throws. */
export function checkCommand(command: string, ctx: PolicyContext = {}): CommandDecision {
  if (typeof command !== 'string' || command.trim() === '') return {allowed: false, rule: 'empty-command', reason: 'Refused: the command is empty.'}
  if (command.includes('\0')) return {allowed: false, rule: 'nul-byte', reason: 'Refused: the command contains a NUL byte.'}
  if (Buffer.byteLength(command) > MAX_COMMAND_BYTES) {
    return {allowed: false, rule: 'too-long', reason: `Refused: the command is longer than ${MAX_COMMAND_BYTES} bytes; write a script file and run it.`}
  }
  try {
    new CommandChecker(ctx).checkScript(command, {kind: 'none'})
    return {allowed: true}
  } catch (error) {
    if (error instanceof Blocked) return {allowed: false, rule: error.rule, reason: `Blocked (${error.rule}): ${error.reason}`}
    return {allowed: false, rule: 'policy-error', reason: `Blocked: the command could not be checked (${(error as Error).message}).`}
  }
}

class CommandChecker {
  private readonly home: string
  private readonly root: string
  private homeKnown = true
  /** Where the next command may run: several after a `cd` that may fail; null when unknown. */
  private cwds: Array<string | null>
  private readonly functions = new Set<string>()
  /** Inside a loop or a function body: a `cd` there makes the directory unknown. */
  private inRepeat = 0
  private depth = 0
  /** Where the last plain `cd` went (for `cd DIR && …`). */
  private lastCd: Array<string | null> | undefined

  constructor(private readonly ctx: PolicyContext) {
    this.home = contextHome(ctx)
    this.root = contextRoot(ctx)
    this.cwds = [contextCwd(ctx)]
  }

  checkScript(source: string, stdin: Stdin): void {
    if (this.depth > MAX_DEPTH) throw new Blocked('too-deep', 'commands nested more than 8 levels deep (shells in shells) are not checked; simplify the command.')
    let file: ShNode
    try {
      file = parseShell(source)
    } catch (error) {
      if (error instanceof ShellParseError) throw new Blocked('unparseable', `the command could not be parsed as bash (${error.message}); what cannot be read cannot be checked.`)
      throw error
    }
    this.prescan(file)
    this.depth++
    try {
      this.visitStmts(nodes(file, 'Stmts'), stdin)
    } finally {
      this.depth--
    }
  }

  /** Assignments to HOME anywhere make `~` unknown everywhere; fork bombs are found here too. */
  private prescan(file: ShNode): void {
    walk(file, (n) => {
      const t = nodeType(n)
      if (t === 'Assign' && litValue(child(n, 'Name')) === 'HOME') this.homeKnown = false
      if (t === 'ForClause') {
        const loop = child(n, 'Loop')
        if (litValue(child(loop, 'Name')) === 'HOME') this.homeKnown = false
      }
      if (t === 'FuncDecl') this.checkFunction(n)
    })
  }

  private checkFunction(fn: ShNode): void {
    const name = litValue(child(fn, 'Name'))
    if (!name) return
    this.functions.add(name)
    const body = child(fn, 'Body')
    if (!body) return
    walk(body, (n) => {
      if (nodeType(n) !== 'CallExpr') return
      const first = nodes(n, 'Args')[0]
      const parts = nodes(first, 'Parts')
      if (parts.length === 1 && nodeType(parts[0]) === 'Lit' && litValue(parts[0]) === name) {
        throw new Blocked('fork-bomb', `the function ${name} calls itself, the shape of a fork bomb.`)
      }
    })
  }

  private wordEnv(): WordEnv {
    return {
      home: this.homeKnown ? this.home : null,
      cwd: this.cwds.length === 1 ? this.cwds[0]! : null,
      onNested: (stmts) => this.visitStmts(stmts, {kind: 'none'}),
      onArithm: (node) => this.visitArithm(node),
    }
  }

  private expand(words: ShNode[]): ShWord[] {
    const env = this.wordEnv()
    return words.flatMap((w) => expandWord(w, env))
  }

  // ---- statements -------------------------------------------------------------------------

  private visitStmts(stmts: ShNode[], stdin: Stdin): void {
    for (const stmt of stmts) this.visitStmt(stmt, stdin)
  }

  private visitStmt(stmt: ShNode, stdin: Stdin): void {
    const ops = shellOps()
    let input = stdin
    for (const redir of nodes(stmt, 'Redirs')) {
      const op = Number(redir.Op)
      const word = child(redir, 'Word')
      if (ops.hereDoc.has(op)) {
        const hdoc = child(redir, 'Hdoc')
        input = hdoc ? {kind: 'text', ...bodyText(hdoc, this.wordEnv())} : {kind: 'text', text: '', dynamic: false}
        continue
      }
      if (!word) continue
      if (op === ops.hereString) {
        const body = bodyText(word, this.wordEnv())
        input = {kind: 'text', text: `${body.text}\n`, dynamic: body.dynamic}
        continue
      }
      const targets = this.expand([word])
      if (ops.dup.has(op)) {
        const t = targets[0]
        if (targets.length === 1 && t && /^(\d+-?|-)$/.test(t.text)) continue
        for (const target of targets) this.checkWriteTarget(target, 'a redirection')
        continue
      }
      if (ops.writes.has(op)) {
        for (const target of targets) this.checkWriteTarget(target, 'a redirection')
        continue
      }
      if (op === ops.readFile) {
        for (const target of targets) this.checkNamedPath(target)
        input = {kind: 'file'}
      }
    }
    const cmd = child(stmt, 'Cmd')
    if (cmd) this.visitCmd(cmd, input)
  }

  private visitCmd(cmd: ShNode, stdin: Stdin): void {
    const ops = shellOps()
    switch (nodeType(cmd)) {
      case 'CallExpr':
        return this.visitCall(cmd, stdin)
      case 'BinaryCmd': {
        const op = Number(cmd.Op)
        const piped = op === ops.pipe || op === ops.pipeAll
        const x = child(cmd, 'X')!
        this.lastCd = undefined
        this.visitStmt(x, stdin)
        // `cd DIR && …`: what follows runs only if the cd succeeded, so only in DIR.
        if (op === ops.and && this.lastCd && nodeType(child(x, 'Cmd')) === 'CallExpr') this.cwds = this.lastCd
        this.lastCd = undefined
        this.visitStmt(child(cmd, 'Y')!, piped ? {kind: 'pipe'} : stdin)
        return
      }
      case 'Block':
      case 'Subshell':
        return this.visitStmts(nodes(cmd, 'Stmts'), stdin)
      case 'IfClause': {
        this.visitStmts(nodes(cmd, 'Cond'), stdin)
        this.visitStmts(nodes(cmd, 'Then'), stdin)
        const elseClause = child(cmd, 'Else')
        if (elseClause) this.visitCmd(elseClause, stdin)
        return
      }
      case 'WhileClause':
        return this.repeat(() => {
          this.visitStmts(nodes(cmd, 'Cond'), stdin)
          this.visitStmts(nodes(cmd, 'Do'), stdin)
        })
      case 'ForClause': {
        const loop = child(cmd, 'Loop')
        if (nodeType(loop) === 'WordIter') this.expand(nodes(loop, 'Items'))
        else for (const f of ['Init', 'Cond', 'Post']) if (child(loop, f)) this.visitArithm(child(loop, f)!)
        return this.repeat(() => this.visitStmts(nodes(cmd, 'Do'), stdin))
      }
      case 'CaseClause': {
        this.expand([child(cmd, 'Word')!])
        for (const item of nodes(cmd, 'Items')) {
          this.expand(nodes(item, 'Patterns'))
          this.visitStmts(nodes(item, 'Stmts'), stdin)
        }
        return
      }
      case 'FuncDecl': {
        const body = child(cmd, 'Body')
        if (body) this.repeat(() => this.visitStmt(body, {kind: 'none'}))
        return
      }
      case 'ArithmCmd':
        return this.visitArithm(child(cmd, 'X')!)
      case 'TestClause':
        return this.visitTest(child(cmd, 'X')!)
      case 'DeclClause': {
        for (const a of nodes(cmd, 'Args')) this.visitAssign(a)
        return
      }
      case 'LetClause':
        for (const e of nodes(cmd, 'Exprs')) this.visitArithm(e)
        return
      case 'TimeClause':
      case 'CoprocClause': {
        const s = child(cmd, 'Stmt')
        if (s) this.visitStmt(s, stdin)
        return
      }
      default:
        throw new Blocked('unsupported-syntax', `the shell construct ${nodeType(cmd) || 'unknown'} is not supported by the checker; rewrite the command more simply.`)
    }
  }

  private repeat(fn: () => void): void {
    this.inRepeat++
    try {
      fn()
    } finally {
      this.inRepeat--
    }
  }

  private visitArithm(node: ShNode): void {
    switch (nodeType(node)) {
      case 'Word':
        this.expand([node])
        return
      case 'BinaryArithm':
        this.visitArithm(child(node, 'X')!)
        this.visitArithm(child(node, 'Y')!)
        return
      case 'UnaryArithm':
      case 'ParenArithm':
        this.visitArithm(child(node, 'X')!)
        return
      default:
        walk(node, (n) => {
          if (nodeType(n) === 'Word') this.expand([n])
        })
    }
  }

  private visitTest(node: ShNode): void {
    switch (nodeType(node)) {
      case 'Word':
        for (const w of this.expand([node])) this.checkNamedPath(w)
        return
      case 'BinaryTest':
        this.visitTest(child(node, 'X')!)
        this.visitTest(child(node, 'Y')!)
        return
      case 'UnaryTest':
      case 'ParenTest':
        this.visitTest(child(node, 'X')!)
        return
      default:
        walk(node, (n) => {
          if (nodeType(n) === 'Word') this.expand([n])
        })
    }
  }

  private visitAssign(assign: ShNode): void {
    const name = litValue(child(assign, 'Name'))
    if (name && dangerousEnv.test(name)) {
      throw new Blocked('dangerous-env', `setting ${name} makes later programs load or run code chosen here; it is not allowed.`)
    }
    const index = child(assign, 'Index')
    if (index) this.visitArithm(index)
    const value = child(assign, 'Value')
    if (value) for (const w of this.expand([value])) this.checkNamedPath(w)
    const array = child(assign, 'Array')
    for (const elem of nodes(array, 'Elems')) {
      const v = child(elem, 'Value')
      if (v) this.expand([v])
      const i = child(elem, 'Index')
      if (i) this.visitArithm(i)
    }
  }

  private visitCall(call: ShNode, stdin: Stdin): void {
    for (const a of nodes(call, 'Assigns')) this.visitAssign(a)
    const argv = this.expand(nodes(call, 'Args'))
    if (argv.length === 0) return
    this.checkArgv(argv, stdin, true)
  }

  // ---- one command ------------------------------------------------------------------------

  private checkArgv(argv: ShWord[], stdin: Stdin, generic: boolean): void {
    if (this.depth > MAX_DEPTH + 4) throw new Blocked('too-deep', 'commands wrapped more than a dozen levels deep are not checked.')
    if (generic) for (const w of argv) this.checkNamedPath(w)
    const first = argv[0]!
    if (first.dynamic) {
      throw new Blocked(
        'dynamic-command',
        `the command name ${JSON.stringify(displayWord(first))} is built from expansions ($VAR, $(…), \`…\`), so what runs cannot be known before it runs; write the command name literally.`,
      )
    }
    if (first.glob) throw new Blocked('dynamic-command', `the command name ${JSON.stringify(displayWord(first))} is a file pattern; write the command name literally.`)
    const name = foldPath(basename(first.text))
    const args = argv.slice(1)
    this.depth++
    try {
      this.checkByName(name, args, stdin, argv)
    } finally {
      this.depth--
    }
  }

  private checkByName(name: string, args: ShWord[], stdin: Stdin, argv: ShWord[]): void {
    if (name === 'eval') throw new Blocked('eval', '`eval` runs a string built at run time, which cannot be checked; run the command directly.')
    if (name === 'source' || name === '.') return this.checkSource(args, stdin)
    if (name === 'cd' || name === 'pushd') return this.changeDirectory(args)
    if (name === 'popd') {
      this.cwds = [null]
      return
    }
    if (this.functions.has(name) && argv[0]!.text === name) {
      if (this.inRepeat === 0) this.cwds = [...this.cwds, null]
      return
    }
    if (name === 'alias') return this.checkAlias(args)
    if (name === 'trap') return this.checkTrap(args)
    if (name === 'kill') return this.checkKill(args)
    if (name === 'export' || name === 'declare' || name === 'typeset' || name === 'local' || name === 'readonly') {
      for (const a of args) this.checkEnvAssignmentWord(a)
      return
    }
    if (shells.has(name)) return this.checkShell(name, args, stdin)
    if (stdinShells.has(name)) return this.checkStdinCode(name, stdin, '-f' === args[0]?.text)
    if (interpreterPattern.test(name)) return this.checkInterpreter(name, args, stdin)
    if (name === 'find') return this.checkFind(args)
    if (deleters.has(name)) return this.checkDelete(name, args)
    if (name === 'mv') return this.checkMove(args)
    if (name === 'dd') return this.checkDd(args)
    if (diskTools.test(name)) throw new Blocked('disk-format', `${name} formats or erases disks and is never run by the tools.`)
    if (powerTools.has(name)) throw new Blocked('shutdown', `${name} stops or restarts the machine and is never run by the tools.`)
    if (name === 'init' && args.some((a) => /^[06sS]$/.test(a.text))) throw new Blocked('shutdown', '`init 0/6` stops or restarts the machine.')
    if ((name === 'systemctl' || name === 'loginctl') && args.some((a) => powerVerbs.has(a.text))) {
      throw new Blocked('shutdown', `${name} ${args.map(displayWord).join(' ')} stops, restarts or suspends the machine or a session.`)
    }
    if (name === 'git') return this.checkGit(args)
    if (modifiers.has(name)) return this.checkModifier(name, args)
    if (copiers.has(name)) return this.checkCopier(name, args)
    if (name === 'sed' || name === 'perl') {
      if (args.some((a) => /^-[A-Za-z]*i/.test(a.text) || a.text.startsWith('--in-place'))) {
        for (const a of args.filter((x) => !x.text.startsWith('-'))) this.checkWriteTarget(a, `${name} -i`)
      }
      if (name === 'perl') return this.checkInterpreter(name, args, stdin)
      return
    }
    if (name === 'crontab' && args.some((a) => !a.text.startsWith('-') || a.text === '-')) {
      throw new Blocked('persistence', 'installing a crontab makes commands run later, outside the tools; it is not allowed.')
    }
    const spec = wrappers[name]
    if (spec) return this.checkWrapper(name, spec, args, stdin)
  }

  // ---- wrappers, shells, interpreters -----------------------------------------------------

  private checkWrapper(name: string, spec: WrapperSpec, args: ShWord[], stdin: Stdin): void {
    let i = 0
    const takes = new Set(spec.takes)
    const flags = new Set(spec.flags)
    const code = new Set(spec.code ?? [])
    const codeMode = new Set(spec.codeMode ?? [])
    const noCommand = new Set(spec.noCommand ?? [])
    const attachedOnly = new Set(spec.attachedOnly ?? [])
    let shellMode = false
    const unknownOption = () => {
      // An option we do not know may take a value: check every later position as a command.
      for (let j = i + 1; j < args.length && j < i + 32; j++) {
        if (!args[j]!.text.startsWith('-')) this.checkArgv(this.withAppended(args.slice(j), spec), stdin, false)
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
        this.checkEnvAssignmentWord(a)
        i++
        continue
      }
      if (!t.startsWith('-') || t === '-' && !flags.has('-')) break
      if (t.startsWith('--')) {
        const [opt, value] = t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, undefined]
        if (code.has(opt)) {
          this.checkCodeString(value === undefined ? args[i + 1] : literalWord(value), `${name} ${opt}`)
          return
        }
        if (codeMode.has(opt)) shellMode = true
        else if (noCommand.has(opt)) return
        else if (takes.has(opt)) {
          if (value === undefined) i++
        } else if (!flags.has(opt) && !(name === 'valgrind' || name === 'firejail' || name === 'prlimit' || name === 'unshare')) {
          unknownOption()
          return
        }
        i++
        continue
      }
      // A short option or a cluster of them.
      if (t === '-') {
        i++
        continue
      }
      let consumedNext = false
      let stop = false
      for (let k = 1; k < t.length; k++) {
        const opt = `-${t[k]}`
        const rest = t.slice(k + 1)
        if (code.has(opt)) {
          this.checkCodeString(rest ? literalWord(rest) : args[i + 1], `${name} ${opt}`)
          return
        }
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
    for (let p = 0; p < (spec.positionals ?? 0) && i < args.length; p++) i++
    const rest = args.slice(i)
    if (rest.length === 0) return
    if (shellMode || spec.joinsAsCode) return this.checkJoinedCode(rest, name)
    this.checkArgv(this.withAppended(rest, spec), stdin, false)
  }

  private withAppended(argv: ShWord[], spec: WrapperSpec): ShWord[] {
    return spec.appendsArgs ? [...argv, dynamicWord] : argv
  }

  private checkCodeString(word: ShWord | undefined, what: string): void {
    if (!word) return
    if (word.dynamic) throw new Blocked('dynamic-shell-code', `the code given to ${what} is built at run time, so it cannot be checked; write it literally.`)
    this.checkScript(word.text, {kind: 'none'})
  }

  private checkJoinedCode(words: ShWord[], what: string): void {
    if (words.some((w) => w.dynamic)) throw new Blocked('dynamic-shell-code', `the command ${what} runs is built at run time, so it cannot be checked.`)
    this.checkScript(words.map((w) => w.text).join(' '), {kind: 'none'})
  }

  private checkShell(name: string, args: ShWord[], stdin: Stdin): void {
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
      if (!operand) throw new Blocked('unparseable', `${name} -c without a command.`)
      return this.checkCodeString(operand, `${name} -c`)
    }
    if (operand && !readsStdin) {
      if (operand.dynamic) throw new Blocked('dynamic-shell-code', `the script ${name} runs (${displayWord(operand)}) is only known at run time (a process substitution or a variable), so it cannot be checked.`)
      if (/^\/(dev\/stdin|dev\/fd\/0|proc\/self\/fd\/0)$/.test(operand.text)) return this.checkStdinCode(name, stdin, false)
      return
    }
    return this.checkStdinCode(name, stdin, false)
  }

  /** A shell or `at` reading its code from stdin. */
  private checkStdinCode(name: string, stdin: Stdin, fromFile: boolean): void {
    if (fromFile) return
    if (stdin.kind === 'pipe') {
      throw new Blocked('pipe-to-shell', `piping into ${name} runs whatever the previous command prints (a download, a decoded payload) without it being checked; save it to a file, read it, then run it.`)
    }
    if (stdin.kind === 'text') {
      if (stdin.dynamic) throw new Blocked('dynamic-shell-code', `the code fed to ${name} is built at run time, so it cannot be checked.`)
      this.checkScript(stdin.text, {kind: 'none'})
    }
  }

  private checkInterpreter(name: string, args: ShWord[], stdin: Stdin): void {
    const isAwk = /awk$/.test(name)
    const inline = isAwk || args.some((a) => !a.dynamic && inlineCodeOption(name, a.text))
    if (inline && args.some((a) => a.dynamic)) {
      throw new Blocked('dynamic-inline-code', `the code given to ${name} is built at run time ($VAR, $(…)), so it cannot be checked; write it literally or in a file.`)
    }
    const text = args.map((a) => a.text).join('\n')
    const finding = inline ? scanInlineCode(text, name) : undefined
    if (finding) throw new Blocked(finding.rule, `the ${name} code on the command line ${finding.what}; use the file tools or plain shell commands the policy can check instead.`)
    if (isAwk && /\bsystem\s*\(|\|\s*getline|print[^;]*\|/.test(text)) {
      throw new Blocked('inline-code-exec', `the ${name} program runs shell commands (system(), pipes).`)
    }
    if (inline) return
    const positional = args.filter((a) => !a.text.startsWith('-') || a.text === '-')
    const readsStdin = positional.length === 0 || positional[0]!.text === '-'
    if (!readsStdin) return
    if (stdin.kind === 'pipe') {
      throw new Blocked('pipe-to-interpreter', `piping into ${name} runs whatever the previous command prints without it being checked; save it to a file, read it, then run it.`)
    }
    if (stdin.kind === 'text') {
      if (stdin.dynamic) throw new Blocked('dynamic-inline-code', `the code fed to ${name} is built at run time, so it cannot be checked.`)
      const found = scanInlineCode(stdin.text, name)
      if (found) throw new Blocked(found.rule, `the ${name} code fed on stdin ${found.what}.`)
    }
  }

  private checkSource(args: ShWord[], stdin: Stdin): void {
    const file = args[0]
    if (!file) return
    if (file.dynamic) throw new Blocked('dynamic-shell-code', `the file sourced (${displayWord(file)}) is only known at run time, so it cannot be checked.`)
    if (/^\/(dev\/stdin|dev\/fd\/0|proc\/self\/fd\/0)$/.test(file.text)) this.checkStdinCode('source', stdin, false)
  }

  private checkAlias(args: ShWord[]): void {
    for (const a of args) {
      const eq = a.text.indexOf('=')
      if (eq < 0) continue
      if (a.dynamic) throw new Blocked('dynamic-shell-code', 'an alias whose value is built at run time cannot be checked.')
      this.checkScript(a.text.slice(eq + 1), {kind: 'none'})
    }
  }

  private checkTrap(args: ShWord[]): void {
    const rest = args.filter((a) => a.text !== '--')
    const body = rest[0]
    if (!body || body.text.startsWith('-')) return
    this.checkCodeString(body, 'trap')
  }

  private checkKill(args: ShWord[]): void {
    const afterDashes = args.findIndex((a) => a.text === '--')
    const targets = afterDashes >= 0 ? args.slice(afterDashes + 1) : args.slice(1)
    if (targets.some((a) => a.text === '-1')) {
      throw new Blocked('kill-all', '`kill … -1` signals every process of the user; name the process ids instead.')
    }
  }

  private checkEnvAssignmentWord(a: ShWord): void {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=|$)/.exec(a.text)
    if (m && dangerousEnv.test(m[1]!)) throw new Blocked('dangerous-env', `setting ${m[1]} makes later programs load or run code chosen here; it is not allowed.`)
  }

  private changeDirectory(args: ShWord[]): void {
    const target = args.find((a) => !a.text.startsWith('-') || a.text === '-')
    let next: Array<string | null>
    if (this.inRepeat > 0 || (target && (target.dynamic || target.glob || target.text === '-'))) next = [null]
    else if (!target) next = [this.homeKnown ? this.home : null]
    else next = this.resolveAll(target.text)
    const merged = [...new Set([...this.cwds, ...next])]
    this.cwds = merged.length > 8 ? [null] : merged
    this.lastCd = next
  }

  // ---- paths ------------------------------------------------------------------------------

  /** Lexical absolute paths of a static path text, one per possible working directory (null: unknown). */
  private resolveAll(text: string): Array<string | null> {
    if (isAbsolute(text)) return [resolve(text)]
    return this.cwds.map((c) => (c === null ? null : resolve(c, text)))
  }

  /** Lexical and physical paths of a static, non-glob path text. */
  private pathsOf(text: string): {paths: string[]; unknown: boolean} {
    const paths: string[] = []
    let unknown = false
    const raws = isAbsolute(text) ? [text] : this.cwds.map((c) => (c === null ? null : rawJoin(c, text)))
    for (const raw of raws) {
      if (raw === null) {
        unknown = true
        continue
      }
      paths.push(resolve(raw))
      try {
        paths.push(resolveReal(raw))
      } catch {
        unknown = true
      }
    }
    return {paths: [...new Set(paths)], unknown}
  }

  private segmentHeuristic(w: ShWord): void {
    const segs = foldPath(w.text).split('/')
    const hit = segs.find((s) => protectedSegments.has(s))
    if (hit) throw new Blocked('names-protected-path', `${JSON.stringify(displayWord(w))} names ${hit}, which holds keys or credentials the tools never touch.`)
  }

  /** Every argument: may it name a never-readable path (keys, credentials, cto's config)? */
  private checkNamedPath(w: ShWord): void {
    this.segmentHeuristic(w)
    if (w.dynamic) return
    const texts = [w.text]
    const eq = w.text.indexOf('=')
    if (eq > 0) texts.push(w.text.slice(eq + 1))
    for (const text of texts) {
      if (text === '') continue
      if (w.glob || hasGlobMarker(text)) {
        for (const lexical of this.resolveAll(text)) {
          if (lexical === null) continue
          const hit = neverReadableEntries(this.ctx).find((e) => globMayTouchPattern(lexical, e.pattern, globMarkers))
          if (hit) throw new Blocked('names-protected-path', `the pattern ${JSON.stringify(displayWord(text))} may match ${hit.pattern} (${hit.label}), which the tools never touch.`)
        }
        continue
      }
      const {paths} = this.pathsOf(text)
      const decision = checkDenyLists('read', paths, displayWord(text), this.ctx)
      if (!decision.allowed) throw new Blocked('names-protected-path', decision.reason)
    }
  }

  private checkWriteTarget(w: ShWord, what: string): void {
    if (w.dynamic) return
    if (w.glob) {
      for (const lexical of this.resolveAll(w.text)) {
        if (lexical === null) continue
        const hit = [...neverReadableEntries(this.ctx), ...neverWritableEntries(this.ctx)].find((e) => globMayTouchPattern(lexical, e.pattern, globMarkers))
        if (hit) throw new Blocked(hit.rule, `${what} writes to ${JSON.stringify(displayWord(w))}, which may match ${hit.pattern} (${hit.label}).`)
      }
      return
    }
    const {paths} = this.pathsOf(w.text)
    for (const p of paths) {
      if (isHarmlessDevice(p)) return
      if (p === '/dev' || p.startsWith('/dev/')) throw new Blocked('device-write', `${what} writes to the device ${p}; writing to devices (disks, network sockets) is never allowed.`)
    }
    const decision = checkDenyLists('write', paths, displayWord(w), this.ctx)
    if (!decision.allowed) throw new Blocked(decision.rule, `${what} would write to ${JSON.stringify(displayWord(w))}. ${decision.reason}`)
  }

  /** Is `p` the root of everything, the home, the workspace, or above them? */
  private isRootLike(p: string): boolean {
    return p === '/' || isInside(p, this.home) || isInside(p, this.root)
  }

  private protectedInside(p: string): string | undefined {
    const entries = [...neverReadableEntries(this.ctx), ...neverWritableEntries(this.ctx)]
    return entries.find((e) => e.rule !== 'system-path' && pathContainsPattern(p, e.pattern))?.pattern
  }

  private isSystem(p: string): boolean {
    return neverWritableEntries(this.ctx).some((e) => e.rule === 'system-path' && (pathMatchesPattern(p, e.pattern) || pathContainsPattern(p, e.pattern)))
  }

  /**
   * A delete (rm, mv source, rsync --delete, find -delete) of `w`. `recursive` when whole trees go.
   */
  private checkDeleteTarget(w: ShWord, recursive: boolean, what: string): void {
    const shown = JSON.stringify(displayWord(w))
    if (w.splittable) {
      throw new Blocked('unresolved-delete', `${what} ${shown}: an unquoted expansion may split into several paths or options; write the path literally.`)
    }
    if (w.dynamic) {
      if (recursive) throw new Blocked('unresolved-delete', `${what} ${shown}: the path is only known at run time, and recursive deletes must name their target literally.`)
      return
    }
    if (w.glob) {
      const cut = w.text.split('/')
      const firstGlob = cut.findIndex((s) => hasGlobMarker(s))
      const dirText = cut.slice(0, firstGlob).join('/') || (w.text.startsWith('/') ? '/' : '.')
      for (const dir of this.resolveAll(dirText)) {
        if (dir === null) {
          if (recursive) throw new Blocked('unresolved-delete', `${what} ${shown}: the working directory is unknown after a dynamic cd.`)
          continue
        }
        this.checkContainerDelete(dir, recursive && !w.filtered, `${what} ${shown}`)
        const hit = [...neverReadableEntries(this.ctx), ...neverWritableEntries(this.ctx)].find((e) =>
          globMayTouchPattern(resolve(dir, cut.slice(firstGlob).join('/')), e.pattern, globMarkers),
        )
        if (hit) throw new Blocked('recursive-delete', `${what} ${shown} may match ${hit.pattern} (${hit.label}).`)
      }
      return
    }
    const {paths, unknown} = this.pathsOf(w.text)
    if (unknown && recursive && !isAbsolute(w.text)) {
      throw new Blocked('unresolved-delete', `${what} ${shown}: the working directory is unknown after a dynamic cd; use an absolute path.`)
    }
    for (const p of paths) {
      if (this.isRootLike(p)) {
        throw new Blocked('recursive-delete', `${what} ${shown} would delete ${p}, which is /, the home directory, the workspace or one of their parents.`)
      }
      if (recursive && this.isSystem(p)) throw new Blocked('recursive-delete', `${what} ${shown} would delete the system path ${p}.`)
      const inside = this.protectedInside(p)
      if (inside) throw new Blocked('recursive-delete', `${what} ${shown} would delete ${inside}, which the tools never touch.`)
    }
    const decision = checkDenyLists('write', paths, displayWord(w), this.ctx)
    if (!decision.allowed) throw new Blocked(decision.rule, `${what} ${shown}: ${decision.reason}`)
  }

  /** Deleting what lies inside `dir` (a glob, find -delete, `{}` of find -exec). */
  private checkContainerDelete(dir: string, recursive: boolean, what: string): void {
    if (dir === '/' || isInside(dir, this.home) || (recursive && isInside(dir, this.root))) {
      throw new Blocked('recursive-delete', `${what} would delete the contents of ${dir}, which is /, the home directory, the workspace or one of their parents.`)
    }
    if (this.isSystem(dir)) throw new Blocked('recursive-delete', `${what} would delete inside the system path ${dir}.`)
    const inside = this.protectedInside(dir)
    if (inside) throw new Blocked('recursive-delete', `${what} would delete ${inside}, which the tools never touch.`)
    const decision = checkDenyLists('write', [dir], dir, this.ctx)
    if (!decision.allowed) throw new Blocked(decision.rule, `${what}: ${decision.reason}`)
  }

  // ---- specific commands ------------------------------------------------------------------

  private splitOptions(args: ShWord[]): {options: ShWord[]; operands: ShWord[]} {
    const options: ShWord[] = []
    const operands: ShWord[] = []
    let done = false
    for (const a of args) {
      if (!done && a.text === '--') done = true
      else if (!done && !a.dynamic && a.text.startsWith('-') && a.text !== '-') options.push(a)
      else operands.push(a)
    }
    return {options, operands}
  }

  private checkDelete(name: string, args: ShWord[]): void {
    const {options, operands} = this.splitOptions(args)
    const recursive =
      name === 'rimraf' ||
      name === 'del' ||
      name === 'trash' ||
      name === 'trash-put' ||
      name === 'gio' ||
      options.some((o) => o.text === '--recursive' || (/^-[A-Za-z]+$/.test(o.text) && /[rR]/.test(o.text)))
    const what = `${name}${recursive && name === 'rm' ? ' -r' : ''}`
    for (const target of operands) {
      if (name === 'gio' && target === operands[0]) continue
      this.checkDeleteTarget(target, recursive, what)
    }
  }

  private checkMove(args: ShWord[]): void {
    const {options, operands} = this.splitOptions(args)
    const targetDir = options.find((o) => o.text.startsWith('--target-directory=') || o.text === '-t')
    const sources = targetDir ? operands : operands.slice(0, -1)
    const dest = targetDir ? undefined : operands.at(-1)
    for (const s of sources) this.checkDeleteTarget(s, true, 'mv (moving away)')
    if (dest) this.checkWriteTarget(dest, 'mv')
  }

  private checkDd(args: ShWord[]): void {
    for (const a of args) {
      if (!a.text.startsWith('of=')) continue
      const target = {...a, text: a.text.slice(3)}
      if (!target.dynamic && resolve(target.text).startsWith('/dev/') && !isHarmlessDevice(resolve(target.text))) {
        throw new Blocked('dd-device', `dd of=${target.text} writes straight to a device (a disk); never allowed.`)
      }
      this.checkWriteTarget(target, 'dd')
    }
  }

  private checkModifier(name: string, args: ShWord[]): void {
    const {options, operands} = this.splitOptions(args)
    const recursive = options.some((o) => o.text === '--recursive' || /^-[A-Za-z]*R/.test(o.text))
    for (const target of operands) {
      if (!target.dynamic && !target.glob && recursive) {
        for (const p of this.pathsOf(target.text).paths) {
          if (this.isRootLike(p) || this.isSystem(p)) throw new Blocked('recursive-root', `${name} -R ${displayWord(target)} would change ${p} and everything in it.`)
        }
      }
      this.checkWriteTarget(target, name)
    }
  }

  private checkCopier(name: string, args: ShWord[]): void {
    const {options, operands} = this.splitOptions(args)
    const t = options.findIndex((o) => o.text === '-t' || o.text === '--target-directory')
    const attached = options.find((o) => o.text.startsWith('--target-directory='))
    let dest: ShWord | undefined
    if (attached) dest = {...attached, text: attached.text.slice('--target-directory='.length)}
    else if (t >= 0) dest = operands.shift()
    else dest = operands.at(-1)
    if (!dest) return
    this.checkWriteTarget(dest, name)
    if (name === 'rsync' && options.some((o) => o.text.startsWith('--delete') || o.text.startsWith('--remove-source-files'))) {
      this.checkDeleteTarget(dest, true, 'rsync --delete')
    }
  }

  private checkFind(args: ShWord[]): void {
    let i = 0
    while (i < args.length && /^-[HLP]$|^-O\d$/.test(args[i]!.text)) i++
    if (args[i]?.text === '-D') i += 2
    const roots: ShWord[] = []
    while (i < args.length && !/^[-(!]/.test(args[i]!.text)) roots.push(args[i++]!)
    if (roots.length === 0) roots.push(literalWord('.'))
    const expr = args.slice(i)
    for (let k = 0; k < expr.length; k++) {
      const t = expr[k]!.text
      if (t === '-delete') {
        for (const r of roots) {
          if (r.dynamic) throw new Blocked('unresolved-delete', 'find -delete under a folder only known at run time cannot be checked.')
          for (const dir of this.resolveAll(r.text)) {
            if (dir === null) throw new Blocked('unresolved-delete', 'find -delete after a dynamic cd cannot be checked.')
            this.checkContainerDelete(dir, false, `find ${displayWord(r)} -delete`)
          }
        }
      } else if (['-exec', '-execdir', '-ok', '-okdir'].includes(t)) {
        const end = expr.findIndex((e, j) => j > k && (e.text === ';' || e.text === '+'))
        const sub = expr.slice(k + 1, end < 0 ? undefined : end)
        k = end < 0 ? expr.length : end
        if (sub.length === 0) continue
        for (const r of roots) {
          const inside: ShWord = r.dynamic ? dynamicWord : {text: `${r.text.replace(/\/+$/, '') || '/'}/${GLOB_STAR}`, dynamic: false, splittable: false, glob: true, filtered: true}
          const argv = sub.map((w) => (w.text.includes('{}') ? inside : w))
          this.checkArgv(argv, {kind: 'none'}, true)
        }
      } else if (['-fprint', '-fprint0', '-fprintf', '-fls'].includes(t) && expr[k + 1]) {
        this.checkWriteTarget(expr[k + 1]!, `find ${t}`)
      }
    }
  }

  private checkGit(args: ShWord[]): void {
    let i = 0
    while (i < args.length) {
      const a = args[i]!
      const t = a.text
      if (a.dynamic) break
      if (t === '-c' || t === '--config-env') {
        const kv = args[i + 1]
        if (kv) this.checkGitConfigKey(kv.text.split('=')[0]!, kv.dynamic)
        i += 2
        continue
      }
      if (t === '-C' || t === '--git-dir' || t === '--work-tree' || t === '--namespace' || t === '--exec-path' || t === '--super-prefix' || t === '--list-cmds') {
        if (t === '--exec-path') throw new Blocked('git-config-exec', 'git --exec-path chooses where git runs its programs from.')
        i += 2
        continue
      }
      if (t.startsWith('--exec-path=')) throw new Blocked('git-config-exec', 'git --exec-path chooses where git runs its programs from.')
      if (t.startsWith('-')) {
        i++
        continue
      }
      break
    }
    const sub = args[i]
    if (!sub) return
    if (sub.dynamic) throw new Blocked('dynamic-command', `the git subcommand ${JSON.stringify(displayWord(sub))} is built at run time; write it literally.`)
    const rest = args.slice(i + 1)
    if (sub.text === 'push') return this.checkGitPush(rest)
    if (rest.some((a) => a.text === '--author' || a.text.startsWith('--author=') || a.text === '--reset-author')) {
      throw new Blocked('git-identity', 'commits made through the tools are signed with the model\'s identity; --author is not allowed.')
    }
    if (sub.text === 'config') {
      const {operands} = this.splitOptions(rest)
      const ops = operands.filter((o) => !['set', 'get', 'unset', 'list', 'edit', 'rename-section', 'remove-section'].includes(o.text))
      if (operands[0]?.text === 'get' || operands[0]?.text === 'list') return
      const key = ops[0]
      if (key && ops.length >= 2) this.checkGitConfigKey(key.text, key.dynamic)
    }
  }

  private checkGitConfigKey(key: string, dynamic: boolean): void {
    if (dynamic) throw new Blocked('git-config-exec', 'a git config key built at run time cannot be checked.')
    if (/^user\.(name|email)$|^(author|committer)\./i.test(key)) {
      throw new Blocked('git-identity', 'commits made through the tools are signed with the model\'s identity; it cannot be changed.')
    }
    if (dangerousGitConfigKey.test(key)) {
      throw new Blocked('git-config-exec', `setting git's ${key} makes git run commands or read config chosen here; it is not allowed.`)
    }
  }

  private checkGitPush(args: ShWord[]): void {
    let positional = false
    for (let k = 0; k < args.length; k++) {
      const a = args[k]!
      const t = a.text
      if (!positional && t === '--') {
        positional = true
        continue
      }
      if (a.dynamic) {
        if (t.startsWith(DYN)) throw new Blocked('force-push', `git push ${displayWord(a)}: a refspec built at run time may start with + (a force push); write it literally.`)
        continue
      }
      if (!positional && t.startsWith('--')) {
        const opt = t.slice(2).split('=')[0]!
        if (opt.length >= 2 && forcePushOptions.some((f) => f.startsWith(opt))) {
          throw new Blocked('force-push', `git push ${t} rewrites the remote's history; force pushes are never run by the tools.`)
        }
        if (['repo', 'receive-pack', 'exec', 'push-option'].includes(opt) && !t.includes('=')) k++
        if (opt === 'receive-pack' || opt === 'exec') throw new Blocked('git-config-exec', `git push --${opt} runs a program chosen here on the remote.`)
        continue
      }
      if (!positional && /^-[A-Za-z]+$/.test(t)) {
        if (t.includes('f')) throw new Blocked('force-push', `git push ${t} forces the push (rewrites the remote's history); never run by the tools.`)
        if (t.endsWith('o')) k++
        continue
      }
      if (t.startsWith('+')) throw new Blocked('force-push', `git push ${t}: a refspec starting with + forces the push; never run by the tools.`)
    }
  }
}
