/**
 * The shell parser: mvdan/sh's syntax package (the parser behind shfmt) as compiled to JS by
 * `mvdan-sh`. It is synchronous and returns a typed AST (`NodeType`). sh-syntax, the WASM build of
 * the same parser, was not chosen: its JSON output drops the command nodes' contents (a `Cmd` comes
 * back as bare positions), every call instantiates a fresh WASM module (~20 ms) and it is async.
 * Loaded lazily: it is 1.5 MB of JS and most CLI commands never parse shell.
 */
import {createRequire} from 'node:module'

import type MvdanSh from 'mvdan-sh'

/** A node of mvdan/sh's AST; fields are read by name as in the Go package. */
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

/** Parses bash source; throws ShellParseError with the parser's message (`1:6: reached EOF …`). */
export function parseShell(source: string): ShNode {
  const s = load()
  try {
    return s.NewParser(s.Variant(s.LangBash)).Parse(source, '')
  } catch (error) {
    const e = error as {Error?: () => string; message?: string}
    const message = typeof e?.Error === 'function' ? e.Error() : String(e?.message ?? error)
    throw new ShellParseError(message)
  }
}

export function nodeType(node: unknown): string {
  return node ? load().NodeType(node) : ''
}

export function walk(node: ShNode, visit: (node: ShNode) => void): void {
  load().Walk(node, (n) => {
    if (n) visit(n)
    return true
  })
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
