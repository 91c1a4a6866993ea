/**
 * The shell parser: mvdan/sh's syntax package (the parser behind shfmt) as compiled to JS by
 * `mvdan-sh`. It is synchronous and returns a typed AST (`NodeType`). sh-syntax, the WASM build of
 * the same parser, was not chosen: its JSON output drops the command nodes' contents (a `Cmd` comes
 * back as bare positions), every call instantiates a fresh WASM module (~20 ms) and it is async.
 * Loaded lazily: it is 1.5 MB of JS and most CLI commands never parse shell.
 */
import {createRequire} from 'node:module'

import type MvdanSh from 'mvdan-sh'

/** A node of mvdan/sh's AST as a plain object: `type` is the Go type (`CallExpr`), fields by Go name. */
export type ShNode = Record<string, unknown>

type Syntax = (typeof MvdanSh)['syntax']

let syntax: Syntax | undefined

function load(): Syntax {
  if (!syntax) {
    const required = createRequire(import.meta.url)('mvdan-sh') as typeof MvdanSh
    syntax = required.syntax
  }
  return syntax
}

export class ShellParseError extends Error {}

/** GopherJS's own representation of a Go value (a struct pointer, a slice, a nil interface). */
type GoValue = Record<string, unknown> & {constructor?: {string?: unknown; nil?: unknown}}

function goString(s: string): string {
  // Go strings are UTF-8 bytes, one char per byte.
  return /[\x80-\xff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s
}

/**
 * The parsed tree as plain objects. Reading mvdan-sh's nodes through its JS interface converts
 * ("externalizes") a Go value on every property read: reading `Args` of a 20,000-word command
 * took 575 ms, and every read again; `NodeType` 44 µs a call. So the tree is read once, from
 * GopherJS's own representation (`__internal_object__`: struct pointers whose constructor names
 * the Go type, slices as `$array`/`$offset`/`$length`, nil pointers as `constructor.nil`), into
 * plain objects, without recursion. Positions are dropped. test/tools/shell-syntax.test.ts checks
 * the shapes the policy relies on, so a new mvdan-sh that changes this representation fails there.
 */
const skippedTypes = new Set(['*syntax.Pos', '*syntax.Comment'])
const fieldsByType = new Map<string, string[]>()

/**
 * The fields read of each node type (mvdan/sh v3's names); positions and comments are never
 * read. A type missing here is read whole, so a new node type is never silently emptied.
 */
const readFields: Record<string, string[]> = {
  File: ['Stmts'],
  Stmt: ['Cmd', 'Redirs', 'Negated', 'Background', 'Coprocess'],
  Redirect: ['Op', 'N', 'Word', 'Hdoc'],
  CallExpr: ['Assigns', 'Args'],
  Word: ['Parts'],
  Lit: ['Value'],
  SglQuoted: ['Dollar', 'Value'],
  DblQuoted: ['Dollar', 'Parts'],
  ParamExp: ['Short', 'Excl', 'Length', 'Width', 'Param', 'Index', 'Slice', 'Repl', 'Names', 'Exp'],
  Slice: ['Offset', 'Length'],
  Replace: ['All', 'Orig', 'With'],
  Expansion: ['Op', 'Word'],
  CmdSubst: ['Stmts', 'Backquotes', 'TempFile', 'ReplyVar'],
  ProcSubst: ['Op', 'Stmts'],
  ArithmExp: ['Bracket', 'Unsigned', 'X'],
  ArithmCmd: ['Unsigned', 'X'],
  BinaryArithm: ['Op', 'X', 'Y'],
  UnaryArithm: ['Op', 'Post', 'X'],
  ParenArithm: ['X'],
  ExtGlob: ['Op', 'Pattern'],
  BinaryCmd: ['Op', 'X', 'Y'],
  Block: ['Stmts'],
  Subshell: ['Stmts'],
  IfClause: ['Cond', 'Then', 'Else'],
  WhileClause: ['Until', 'Cond', 'Do'],
  ForClause: ['Select', 'Braces', 'Loop', 'Do'],
  WordIter: ['Name', 'InPos', 'Items'],
  CStyleLoop: ['Init', 'Cond', 'Post'],
  CaseClause: ['Word', 'Items'],
  CaseItem: ['Op', 'Patterns', 'Stmts'],
  FuncDecl: ['RsrvWord', 'Name', 'Body'],
  TestClause: ['X'],
  BinaryTest: ['Op', 'X', 'Y'],
  UnaryTest: ['Op', 'X'],
  ParenTest: ['X'],
  DeclClause: ['Variant', 'Args'],
  Assign: ['Append', 'Naked', 'Name', 'Index', 'Value', 'Array'],
  ArrayExpr: ['Elems'],
  ArrayElem: ['Index', 'Value'],
  LetClause: ['Exprs'],
  TimeClause: ['PosixFormat', 'Stmt'],
  CoprocClause: ['Name', 'Stmt'],
  TestDecl: ['Description', 'Body'],
  BraceExp: ['Sequence', 'Elems'],
}

function toPlain(root: GoValue, byType: Map<string, ShNode[]>): ShNode {
  const convert = (v: unknown, work: Array<[GoValue, ShNode]>): unknown => {
    if (typeof v === 'string') return goString(v)
    if (typeof v !== 'object' || v === null) return v
    const g = v as GoValue
    if ('$array' in g) {
      const arr = g.$array as unknown[]
      const off = g.$offset as number
      const out: unknown[] = []
      for (let i = 0; i < (g.$length as number); i++) out.push(convert(arr[off + i], work))
      return out
    }
    const type = g.constructor?.string
    if (typeof type !== 'string' || g === g.constructor?.nil) return null
    if (!type.startsWith('*syntax.') || skippedTypes.has(type)) return undefined
    const name = type.slice(8)
    const node: ShNode = {type: name}
    work.push([g, node])
    const list = byType.get(name)
    if (list) list.push(node)
    else byType.set(name, [node])
    return node
  }
  const work: Array<[GoValue, ShNode]> = []
  const top = convert(root, work) as ShNode
  while (work.length > 0) {
    const [g, node] = work.pop()!
    const type = g.constructor!.string as string
    let fields = fieldsByType.get(type)
    if (!fields) {
      const present = Object.keys(g).filter((k) => k !== '$val')
      const wanted = readFields[type.slice(8)]
      fields = wanted ? present.filter((k) => wanted.includes(k)) : present
      fieldsByType.set(type, fields)
    }
    for (const key of fields) {
      const value = convert(g[key], work)
      if (value !== undefined) node[key] = value
    }
  }
  return top
}

/** Parses bash source; throws ShellParseError with the parser's message (`1:6: reached EOF …`). */
export function parseShell(source: string): ShNode {
  const s = load()
  let file: Record<string, unknown>
  try {
    file = s.NewParser(s.Variant(s.LangBash)).Parse(source, '')
  } catch (error) {
    const e = error as {Error?: () => string; message?: string}
    const message = typeof e?.Error === 'function' ? e.Error() : String(e?.message ?? error)
    throw new ShellParseError(message)
  }
  const internal = file.__internal_object__ as GoValue | undefined
  if (!internal || internal.constructor?.string !== '*syntax.File') throw new Error('mvdan-sh no longer exposes its syntax tree as this checker reads it; see shell-syntax.ts')
  const byType = new Map<string, ShNode[]>()
  const plain = toPlain(internal, byType)
  indexes.set(plain, byType)
  return plain
}

const indexes = new WeakMap<ShNode, Map<string, ShNode[]>>()

/** Every node of a type in a tree `parseShell` returned (found while reading it, so free). */
export function nodesOfType(file: ShNode, type: string): ShNode[] {
  return indexes.get(file)?.get(type) ?? []
}

export function nodeType(node: unknown): string {
  const t = (node as ShNode | null | undefined)?.type
  return typeof t === 'string' ? t : ''
}

/** Visits every node under `root`, parents first, in source order, without recursion. */
export function forEachNode(root: ShNode, visit: (node: ShNode, type: string) => void): void {
  const stack: ShNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    visit(node, nodeType(node))
    const found: ShNode[] = []
    for (const key in node) {
      const v = node[key]
      if (Array.isArray(v)) {
        for (const x of v) if (x && typeof x === 'object') found.push(x as ShNode)
      } else if (v && typeof v === 'object') found.push(v as ShNode)
    }
    for (let i = found.length - 1; i >= 0; i--) stack.push(found[i]!)
  }
}

export function nodes(node: ShNode | null | undefined, field: string): ShNode[] {
  const v = node?.[field]
  return Array.isArray(v) ? (v as ShNode[]) : []
}

export function child(node: ShNode | null | undefined, field: string): ShNode | null {
  const v = node?.[field]
  return v && typeof v === 'object' ? (v as ShNode) : null
}

export function litValue(node: ShNode | null | undefined): string | undefined {
  const v = node?.Value
  return typeof v === 'string' ? v : undefined
}

/** Operator codes differ between mvdan/sh versions: learn them from the parser itself. */
export interface ShellOps {
  pipe: number
  pipeAll: number
  and: number
  /** Redirections that write to their word. */
  writes: Set<number>
  /** `>&` / `<&`: duplicate a descriptor, or (with a file name) redirect both. */
  dup: Set<number>
  readFile: number
  hereDoc: Set<number>
  hereString: number
}

let ops: ShellOps | undefined

export function shellOps(): ShellOps {
  if (ops) return ops
  const binOp = (src: string) => Number(child(nodes(parseShell(src), 'Stmts')[0]!, 'Cmd')!.Op)
  const redirOp = (src: string) => Number(nodes(nodes(parseShell(src), 'Stmts')[0]!, 'Redirs')[0]!.Op)
  ops = {
    pipe: binOp('a | b'),
    pipeAll: binOp('a |& b'),
    and: binOp('a && b'),
    writes: new Set([redirOp('a > b'), redirOp('a >> b'), redirOp('a &> b'), redirOp('a &>> b'), redirOp('a >| b'), redirOp('a <> b')]),
    dup: new Set([redirOp('a >& b'), redirOp('a <& b')]),
    readFile: redirOp('a < b'),
    hereDoc: new Set([redirOp('a <<E\nE'), redirOp('a <<-E\nE')]),
    hereString: redirOp('a <<< b'),
  }
  return ops
}
