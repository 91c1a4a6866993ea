/**
 * The command policy: reads a command as bash would (mvdan/sh's parser, see shell-syntax.ts) and
 * refuses the obviously dangerous with a clear reason, before anything runs. This file is the
 * walker: it visits every statement, pipeline, list, subshell, brace group, function body, `$(…)`,
 * backquote and `<(…)`; evaluates words statically (shell-words.ts, brace-expansion.ts); follows
 * the working directory through `cd`; checks every word that may be a path against the protected
 * paths (path-checks.ts); and hands each simple command to the first rule of the table that
 * applies (command-rules.ts). Environment assignments go to env-rules.ts.
 *
 * It is a filter, not a sandbox: it cannot see inside scripts a command runs, and shell text can be
 * bent in ways no filter foresees. The operating-system sandbox is the boundary; this layer is a
 * fast, friendly first refusal. So it must never be slow and never refuse honest work:
 * - Linear in the length of the command. Everything that could multiply is bounded and refused
 *   with a reason when the bound is hit (brace expansion, find's roots × -exec, wrapper options);
 *   globs are matched without backtracking (glob-match.ts); the deny lists are prepared once per
 *   check (deny-index.ts) and symlinks resolved once per path (real-path-cache.ts). 64 KB commands
 *   of 20,000 words, stars or braces are decided in tens of milliseconds (bench: `npm run bench
 *   policy`); before, some took minutes.
 * - Exact where it can be: a word is checked where it lands; only a word whose place is unknown (a
 *   run-time value, a relative path after `cd "$(…)"`) is judged by whether it could name a
 *   protected path wherever it lands (unanchored-path.ts).
 */
import {basename} from 'node:path'

import {Blocked, shown} from './blocked.js'
import {braceGroupsAtLeast, BraceLimitError, createBraceBudget, MAX_BRACE_WORDS} from './brace-expansion.js'
import {commandRules, ruleFor, type CommandCall, type Stdin, type Walker} from './command-rules.js'
import {checkEnv} from './env-rules.js'
import {fold} from './fold.js'
import {PathChecks} from './path-checks.js'
import {contextCwd, contextHome, contextRoot, type PolicyContext, type PolicyDecision} from './policy-context.js'
import {child, forEachNode, litValue, nodes, nodesOfType, nodeType, parseShell, shellOps, ShellParseError, type ShNode} from './shell-syntax.js'
import {bodyText, expandWord, type ShWord, type WordEnv} from './shell-words.js'

export type CommandDecision = PolicyDecision
export type {Stdin} from './command-rules.js'

const MAX_COMMAND_BYTES = 64 * 1024
const MAX_DEPTH = 8

function decision(run: () => void): CommandDecision {
  try {
    run()
    return {allowed: true}
  } catch (error) {
    if (error instanceof Blocked) return {allowed: false, rule: error.rule, reason: `Blocked (${error.rule}): ${error.reason}`}
    return {allowed: false, rule: 'policy-error', reason: `Blocked: the command could not be checked (${(error as Error).message}).`}
  }
}

function precheck(command: string): CommandDecision | undefined {
  if (typeof command !== 'string' || command.trim() === '') return {allowed: false, rule: 'empty-command', reason: 'Refused: the command is empty.'}
  if (command.includes('\0')) return {allowed: false, rule: 'nul-byte', reason: 'Refused: the command contains a NUL byte.'}
  if (Buffer.byteLength(command) > MAX_COMMAND_BYTES) {
    return {allowed: false, rule: 'too-long', reason: `Refused: the command is longer than ${MAX_COMMAND_BYTES} bytes; write a script file and run it.`}
  }
  // Before the parser (2 µs a byte): what brace expansion would surely refuse after it.
  if (braceGroupsAtLeast(command) > MAX_BRACE_WORDS) {
    const reason = `brace expansion is bounded so the check stays fast, and the command has more than ${MAX_BRACE_WORDS} brace groups; write the words out, or loop over $(seq …).`
    return {allowed: false, rule: 'brace-expansion-limit', reason: `Blocked (brace-expansion-limit): ${reason}`}
  }
  return undefined
}

/** Decides whether `command` may run. Never throws. */
export function checkCommand(command: string, ctx: PolicyContext = {}): CommandDecision {
  return precheck(command) ?? decision(() => new CommandChecker(ctx).checkScript(command, {kind: 'none'}))
}

/**
 * One rule alone, on a one-command `command` (its words expanded as bash would, nothing else
 * checked): for testing a rule of the table apart from the walker and the other rules.
 */
export function decideWithRule(ruleId: string, command: string, ctx: PolicyContext = {}): CommandDecision & {applies: boolean} {
  const rule = commandRules.find((r) => r.id === ruleId)
  if (!rule) throw new Error(`no command rule ${ruleId}`)
  let applies = false
  const d = precheck(command) ?? decision(() => {
    const checker = new CommandChecker(ctx)
    const call = checker.firstCall(command)
    applies = rule.applies(call, checker)
    if (applies) rule.decide(call, checker)
  })
  return {...d, applies}
}

class CommandChecker implements Walker {
  private readonly home: string
  private readonly root: string
  private homeKnown = true
  /** Where the next command may run: several after a `cd` that may fail; null when unknown. */
  private cwds: Array<string | null> = []
  private cwdsKey = ''
  private readonly functions = new Set<string>()
  /** Functions whose body is being visited: a call to one of them inside is a fork bomb's shape. */
  private readonly openFunctions: string[] = []
  /** Inside a loop or a function body: a `cd` there makes the directory unknown. */
  private inRepeat = 0
  private depth = 0
  /** Where the last plain `cd` went (for `cd DIR && …`). */
  private lastCd: Array<string | null> | undefined
  private readonly paths: PathChecks
  private readonly braces = createBraceBudget()
  /** Wrapped command lines already checked (a tail of the same words, see wrapper-rule.ts). */
  private readonly checkedTails = new WeakMap<ShWord, Set<string>>()

  constructor(ctx: PolicyContext) {
    this.home = contextHome(ctx)
    this.root = contextRoot(ctx)
    this.setCwds([contextCwd(ctx)])
    this.paths = new PathChecks(ctx, this.home, this.root, {cwds: () => this.cwds, cwdsKey: () => this.cwdsKey, homeKnown: () => this.homeKnown})
  }

  block(rule: string, reason: string): never {
    throw new Blocked(rule, reason)
  }

  private setCwds(cwds: Array<string | null>): void {
    this.cwds = cwds
    this.cwdsKey = cwds.join('\0')
  }

  /** The first simple command of `source`, its words expanded (for `decideWithRule`). */
  firstCall(source: string): CommandCall {
    const file = this.parse(source)
    const stmt = nodes(file, 'Stmts')[0]
    const cmd = child(stmt, 'Cmd')
    if (nodeType(cmd) !== 'CallExpr') throw new Error('decideWithRule takes one simple command')
    const argv = this.expand(nodes(cmd, 'Args'))
    return {name: fold(basename(argv[0]!.text)), argv, args: argv.slice(1), stdin: {kind: 'none'}}
  }

  private parse(source: string): ShNode {
    try {
      return parseShell(source)
    } catch (error) {
      if (error instanceof ShellParseError) throw new Blocked('unparseable', `the command could not be parsed as bash (${error.message}); what cannot be read cannot be checked.`)
      throw error
    }
  }

  checkScript(source: string, stdin: Stdin): void {
    if (this.depth > MAX_DEPTH) throw new Blocked('too-deep', 'commands nested more than 8 levels deep (shells in shells) are not checked; simplify the command.')
    const file = this.parse(source)
    this.prescan(file)
    this.depth++
    try {
      this.visitStmts(nodes(file, 'Stmts'), stdin)
    } finally {
      this.depth--
    }
  }

  /**
   * Assignments to HOME anywhere make `~` unknown everywhere (also through `read HOME`,
   * `printf -v HOME`, a `for HOME in` loop); function names are learnt here.
   */
  private prescan(file: ShNode): void {
    for (const n of nodesOfType(file, 'Assign')) if (litValue(child(n, 'Name')) === 'HOME') this.homeKnown = false
    for (const n of nodesOfType(file, 'WordIter')) if (litValue(child(n, 'Name')) === 'HOME') this.homeKnown = false
    for (const n of nodesOfType(file, 'FuncDecl')) {
      const name = litValue(child(n, 'Name'))
      if (name) this.functions.add(name)
    }
    for (const n of nodesOfType(file, 'CallExpr')) {
      const args = nodes(n, 'Args')
      const name = litValue(nodes(args[0], 'Parts')[0])
      if (!name || !/^(read|printf|mapfile|readarray|getopts|declare|typeset|local|export)$/.test(name)) continue
      const words = args.slice(1).map((w) => nodes(w, 'Parts').map((p) => (nodeType(p) === 'Lit' || nodeType(p) === 'SglQuoted' ? String(p.Value ?? '') : '\0')).join(''))
      if (words.some((w) => /(^|^-\w*|=)HOME$/.test(w))) this.homeKnown = false
    }
  }

  private wordEnv(): WordEnv {
    return {
      home: this.homeKnown ? this.home : null,
      cwd: this.cwds.length === 1 ? this.cwds[0]! : null,
      onNested: (stmts) => this.visitStmts(stmts, {kind: 'none'}),
      onArithm: (node) => this.visitArithm(node),
      braces: this.braces,
    }
  }

  private expand(words: ShNode[]): ShWord[] {
    const env = this.wordEnv()
    const out: ShWord[] = []
    for (const w of words) {
      try {
        for (const x of expandWord(w, env)) out.push(x)
      } catch (error) {
        if (error instanceof BraceLimitError) throw new Blocked('brace-expansion-limit', `brace expansion is bounded so the check stays fast, and ${error.message}.`)
        throw error
      }
    }
    return out
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

  /** `a | b | c …` and `a && b && …` nest to the left: walked bottom-up without recursion. */
  private visitBinary(cmd: ShNode, stdin: Stdin): void {
    const ops = shellOps()
    const chain: ShNode[] = [cmd]
    for (;;) {
      const x = child(chain.at(-1)!, 'X')!
      const inner = child(x, 'Cmd')
      if (nodeType(inner) !== 'BinaryCmd' || nodes(x, 'Redirs').length > 0) break
      chain.push(inner!)
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const b = chain[k]!
      const op = Number(b.Op)
      const x = child(b, 'X')!
      if (k === chain.length - 1) {
        this.lastCd = undefined
        this.visitStmt(x, stdin)
      }
      // `cd DIR && …`: what follows runs only if the cd succeeded, so only in DIR.
      if (op === ops.and && this.lastCd && nodeType(child(x, 'Cmd')) === 'CallExpr') this.setCwds(this.lastCd)
      this.lastCd = undefined
      this.visitStmt(child(b, 'Y')!, op === ops.pipe || op === ops.pipeAll ? {kind: 'pipe'} : stdin)
    }
  }

  private visitCmd(cmd: ShNode, stdin: Stdin): void {
    switch (nodeType(cmd)) {
      case 'CallExpr':
        return this.visitCall(cmd, stdin)
      case 'BinaryCmd':
        return this.visitBinary(cmd, stdin)
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
        const name = litValue(child(cmd, 'Name')) ?? ''
        this.openFunctions.push(name)
        try {
          if (body) this.repeat(() => this.visitStmt(body, {kind: 'none'}))
        } finally {
          this.openFunctions.pop()
        }
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

  /** Words inside arithmetic and tests may hold `$(…)`: expand them so those get checked. */
  private visitWordsIn(node: ShNode): void {
    forEachNode(node, (n, t) => {
      if (t === 'Word') this.expand([n])
    })
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
        this.visitWordsIn(node)
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
        this.visitWordsIn(node)
    }
  }

  private visitAssign(assign: ShNode): void {
    const name = litValue(child(assign, 'Name'))
    const index = child(assign, 'Index')
    if (index) this.visitArithm(index)
    const value = child(assign, 'Value')
    const words = value ? this.expand([value]) : []
    if (name) {
      if (!value) this.checkEnvAssignment(name, undefined)
      for (const w of words) this.checkEnvAssignment(name, w)
    }
    for (const w of words) this.checkNamedPath(w)
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
    const args = nodes(call, 'Args')
    if (args.length === 0) return
    // A function calling itself (`:(){ :|:& };:`) is the shape of a fork bomb.
    const parts = nodes(args[0], 'Parts')
    const first = parts.length === 1 && nodeType(parts[0]) === 'Lit' ? litValue(parts[0]) : undefined
    if (first !== undefined && this.openFunctions.includes(first)) {
      throw new Blocked('fork-bomb', `the function ${first} calls itself, the shape of a fork bomb.`)
    }
    const argv = this.expand(args)
    if (argv.length === 0) return
    this.checkArgv(argv, stdin, true)
  }

  // ---- one command ------------------------------------------------------------------------

  checkArgv(argv: ShWord[], stdin: Stdin, generic: boolean): void {
    if (this.depth > MAX_DEPTH + 4) throw new Blocked('too-deep', 'commands wrapped more than a dozen levels deep are not checked.')
    if (!generic) {
      // The same tail of words, tried again by a wrapper reading an unknown option: done already.
      const key = `${argv.length}|${argv.at(-1)!.dynamic}|${stdin.kind}`
      const seen = this.checkedTails.get(argv[0]!) ?? new Set<string>()
      if (seen.has(key)) return
      seen.add(key)
      this.checkedTails.set(argv[0]!, seen)
    }
    const first = argv[0]!
    if (first.dynamic) {
      throw new Blocked(
        'dynamic-command',
        `the command name ${shown(first)} is built from expansions ($VAR, $(…), \`…\`), so what runs cannot be known before it runs; write the command name literally.`,
      )
    }
    if (first.glob) throw new Blocked('dynamic-command', `the command name ${shown(first)} is a file pattern; write the command name literally.`)
    const call: CommandCall = {name: fold(basename(first.text)), argv, args: argv.slice(1), stdin}
    const rule = ruleFor(call, this)
    if (generic) {
      const text = new Set(rule?.textArgs?.(call) ?? [])
      for (const w of argv) this.checkNamedPath(w, text.has(w))
    }
    if (!rule) return
    this.depth++
    try {
      rule.decide(call, this)
    } finally {
      this.depth--
    }
  }

  // ---- code ---------------------------------------------------------------------------------

  checkCodeString(word: ShWord | undefined, what: string): void {
    if (!word) return
    if (word.dynamic) throw new Blocked('dynamic-shell-code', `the code given to ${what} is built at run time, so it cannot be checked; write it literally.`)
    this.checkScript(word.text, {kind: 'none'})
  }

  checkJoinedCode(words: ShWord[], what: string): void {
    if (words.some((w) => w.dynamic)) throw new Blocked('dynamic-shell-code', `the command ${what} runs is built at run time, so it cannot be checked.`)
    this.checkScript(words.map((w) => w.text).join(' '), {kind: 'none'})
  }

  checkStdinCode(name: string, stdin: Stdin, fromFile: boolean): void {
    if (fromFile) return
    if (stdin.kind === 'pipe') {
      throw new Blocked('pipe-to-shell', `piping into ${name} runs whatever the previous command prints (a download, a decoded payload) without it being checked; save it to a file, read it, then run it.`)
    }
    if (stdin.kind === 'text') {
      if (stdin.dynamic) throw new Blocked('dynamic-shell-code', `the code fed to ${name} is built at run time, so it cannot be checked.`)
      this.checkScript(stdin.text, {kind: 'none'})
    }
  }

  checkEnvAssignment(name: string, value: ShWord | undefined): void {
    checkEnv(name, value, this)
  }

  // ---- the working directory --------------------------------------------------------------

  changeDirectory(args: ShWord[]): void {
    const target = args.find((a) => !a.text.startsWith('-') || a.text === '-')
    let next: Array<string | null>
    if (this.inRepeat > 0 || (target && (target.dynamic || target.glob || target.text === '-'))) next = [null]
    else if (!target) next = [this.homeKnown ? this.home : null]
    else next = this.resolveAll(target.text)
    const merged = [...new Set([...this.cwds, ...next])]
    this.setCwds(merged.length > 8 ? [null] : merged)
    this.lastCd = next
  }

  forgetDirectory(): void {
    this.setCwds([null])
  }

  isFunction(name: string): boolean {
    return this.functions.has(name)
  }

  callFunction(): void {
    if (this.inRepeat === 0) this.setCwds([...this.cwds, null])
  }

  // ---- paths (path-checks.ts) ---------------------------------------------------------------

  resolveAll(text: string): Array<string | null> {
    return this.paths.resolveAll(text)
  }

  pathsOf(text: string): {paths: string[]; unknown: boolean} {
    return this.paths.pathsOf(text)
  }

  isRootLike(p: string): boolean {
    return this.paths.isRootLike(p)
  }

  isSystem(p: string): boolean {
    return this.paths.isSystem(p)
  }

  checkNamedPath(w: ShWord, isText = false): void {
    this.paths.checkNamedPath(w, isText)
  }

  checkWriteTarget(w: ShWord, what: string): void {
    this.paths.checkWriteTarget(w, what)
  }

  checkDeleteTarget(w: ShWord, recursive: boolean, what: string): void {
    this.paths.checkDeleteTarget(w, recursive, what)
  }

  checkContainerDelete(dir: string, recursive: boolean, what: string): void {
    this.paths.checkContainerDelete(dir, recursive, what)
  }

  checkRecursiveRead(w: ShWord, what: string): void {
    this.paths.checkRecursiveRead(w, what)
  }
}
