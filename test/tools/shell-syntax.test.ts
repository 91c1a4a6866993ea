/**
 * shell-syntax.ts reads mvdan-sh's tree from GopherJS's own representation. These are the shapes
 * the command policy relies on; if a new mvdan-sh changes that representation, they fail here
 * (and the policy refuses every command with "could not be checked", never allows one unread).
 */
import {describe, expect, it} from 'vitest'

import {child, forEachNode, litValue, nodes, nodesOfType, nodeType, parseShell, shellOps} from '../../src/core/tools/policy/shell-syntax.js'

const first = (src: string) => child(nodes(parseShell(src), 'Stmts')[0], 'Cmd')!

describe('the plain syntax tree', () => {
  it('a call: assignments, words, literal parts decoded from UTF-8', () => {
    const call = first("X=1 echo héllo 'a b' \"c$d\"")
    expect(nodeType(call)).toBe('CallExpr')
    expect(litValue(child(nodes(call, 'Assigns')[0], 'Name'))).toBe('X')
    const args = nodes(call, 'Args')
    expect(args.map((w) => nodes(w, 'Parts').map(nodeType))).toEqual([['Lit'], ['Lit'], ['SglQuoted'], ['DblQuoted']])
    expect(litValue(nodes(args[1], 'Parts')[0])).toBe('héllo')
    expect(nodes(nodes(args[3], 'Parts')[0], 'Parts').map(nodeType)).toEqual(['Lit', 'ParamExp'])
  })
  it('redirections keep their operator and word; here-documents their body', () => {
    const stmt = nodes(parseShell('cat < in > out 2>&1 <<EOF\nbody $x\nEOF'), 'Stmts')[0]!
    const ops = shellOps()
    const redirs = nodes(stmt, 'Redirs')
    expect(redirs.map((r) => Number(r.Op))).toEqual([ops.readFile, [...ops.writes][0], [...ops.dup][0], [...ops.hereDoc][0]])
    expect(nodes(child(redirs[3], 'Hdoc'), 'Parts').map(nodeType)).toEqual(['Lit', 'ParamExp', 'Lit'])
  })
  it('pipelines and lists nest to the left, with their operators', () => {
    const cmd = first('a | b && c')
    expect(nodeType(cmd)).toBe('BinaryCmd')
    expect(Number(cmd.Op)).toBe(shellOps().and)
    const x = child(child(cmd, 'X'), 'Cmd')!
    expect(nodeType(x)).toBe('BinaryCmd')
    expect(Number(x.Op)).toBe(shellOps().pipe)
  })
  it('parameter expansions keep what makes them not a plain $VAR', () => {
    const parts = nodes(first('echo ${a:-x} ${b:1:2} ${c/x/y} ${!d} ${#e}'), 'Args').slice(1).map((w) => nodes(w, 'Parts')[0]!)
    expect(parts.map((p) => Boolean(child(p, 'Exp')))).toEqual([true, false, false, false, false])
    expect(Boolean(child(parts[1], 'Slice'))).toBe(true)
    expect(Boolean(child(parts[2], 'Repl'))).toBe(true)
    expect(parts[3]!.Excl).toBe(true)
    expect(parts[4]!.Length).toBe(true)
  })
  it('declarations, functions, loops and substitutions', () => {
    const file = parseShell('export A=1; f() { ls; }; for HOME in /; do :; done; echo $(rm x) <(cat y)')
    expect(nodesOfType(file, 'DeclClause')).toHaveLength(1)
    expect(litValue(child(nodesOfType(file, 'FuncDecl')[0], 'Name'))).toBe('f')
    expect(litValue(child(nodesOfType(file, 'WordIter')[0], 'Name'))).toBe('HOME')
    expect(nodesOfType(file, 'CmdSubst')).toHaveLength(1)
    expect(nodesOfType(file, 'ProcSubst')).toHaveLength(1)
  })
  it('forEachNode reaches every node, deep lists without recursion', () => {
    const types: string[] = []
    forEachNode(parseShell('echo ${x:1:$((2+3))} $(ls | wc)'), (_n, t) => types.push(t))
    expect(types).toEqual(expect.arrayContaining(['File', 'Stmt', 'CallExpr', 'ParamExp', 'Slice', 'ArithmExp', 'BinaryArithm', 'CmdSubst', 'BinaryCmd']))
    let count = 0
    forEachNode(parseShell(`true${' | cat'.repeat(10000)}`), () => count++)
    expect(count).toBeGreaterThan(50000)
  })
})
