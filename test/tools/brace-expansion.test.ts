/**
 * The checker's brace expansion against bash itself: for each word, the words the checker sees
 * must be the words bash passes (`set -f` so no file name is globbed). A difference would be a
 * way to show the checker one thing and run another.
 */
import {execFileSync} from 'node:child_process'

import {describe, expect, it} from 'vitest'

import {braceGroupsAtLeast, createBraceBudget, MAX_BRACE_WORDS} from '../../src/core/tools/policy/brace-expansion.js'
import {nodes, parseShell} from '../../src/core/tools/policy/shell-syntax.js'
import {displayWord, expandWord} from '../../src/core/tools/policy/shell-words.js'

function checkerWords(word: string): string[] {
  const call = nodes(parseShell(`echo ${word}`), 'Stmts')[0]!.Cmd as Record<string, unknown>
  const arg = nodes(call, 'Args')[1]!
  const env = {home: '/home/u', cwd: '/w', onNested: () => undefined, onArithm: () => undefined, braces: createBraceBudget()}
  return expandWord(arg, env).map((w) => displayWord(w))
}

function bashWords(word: string): string[] {
  const script = `set -f; f() { echo $#; for a in "$@"; do printf '%s\\n' "$a"; done; }; f ${word}`
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {encoding: 'utf8', env: {PATH: process.env.PATH, HOME: '/home/u'}})
  const [count, ...lines] = out.split('\n').slice(0, -1)
  expect(lines).toHaveLength(Number(count))
  return lines
}

const words = [
  '{a,b}',
  '{a,b}{c,d}',
  'x{a,{b,c}}y',
  '{{a,b}}',
  '{x}{a,b}',
  '{/x},y}',
  '{/x},~/.ssh/id_rsa}',
  '{a,b',
  'a}b{c,d}',
  '{}',
  '{},{}',
  'x{}{a,b}',
  '{a,}',
  '{,}{,}{,}',
  '{,}',
  "{'',x}",
  '""{a,}',
  '.ss{,}{,}h',
  '{1..5}',
  '{5..1}',
  '{1..10..3}',
  '{01..10}',
  '{-2..2}',
  '{-02..2}',
  '{a..e}',
  '{a..e..2}',
  '{Z..a}',
  '{1..a}',
  '{1..5..}',
  '{a..}',
  '{1..3}{a,b}',
  '{1..3{a,b}}',
  "'{a,b}'",
  '"{a,b}"',
  '\\{a,b}',
  '{a\\,b,c}',
  "{'a,b',c}",
  '{"a"b,c}',
  '{a,b}}',
  '{{a,b}',
  'pre{a,b}post{c,d}end',
  '{a,{b,{c,{d,e}}}}',
  '~/{a,b}',
  '{~,x}/k',
  'a{b..d}e{1..2}f',
  '{x..y..z}',
  '{1..2..0}',
  '{.,x}',
  '{..,x}',
  'a{,b}{,c}',
]

describe('brace expansion: the checker sees the words bash makes', () => {
  it.each(words.map((w) => [w]))('%s', (word) => {
    expect(checkerWords(word)).toEqual(bashWords(word))
  })
})

describe('brace expansion: the budget', () => {
  it('refuses past the word limit instead of guessing', () => {
    expect(() => checkerWords('{a,b}'.repeat(13))).toThrow(/more than 4096 words/)
    expect(checkerWords('{a,b}'.repeat(12))).toHaveLength(4096)
    expect(() => checkerWords('{1..5000}')).toThrow(/5000 words/)
  })
  it('refuses past the step limit (a 64 KB word of unclosed braces)', () => {
    expect(() => checkerWords('{'.repeat(60000))).toThrow(/steps to read/)
  })
  it('refuses braces nested deeper than 64', () => {
    expect(() => checkerWords(`${'{a,'.repeat(80)}b${'}'.repeat(80)}`)).toThrow(/nested more than 64 deep/)
  })
  it('counts brace groups in raw text without overcounting quotes, ${…} or here-documents', () => {
    expect(braceGroupsAtLeast('echo {a,b} {c,d}{e,f}')).toBe(3)
    expect(braceGroupsAtLeast(`echo '{a,b}' "{a,b}" \\{a,b} \${x,,} $'{a,\\'b}'`)).toBe(0)
    expect(braceGroupsAtLeast(`cat <<EOF\n${'{a,b}'.repeat(5000)}\nEOF`)).toBe(0)
    expect(braceGroupsAtLeast(`echo ${'{a,b} '.repeat(MAX_BRACE_WORDS + 1)}`)).toBe(MAX_BRACE_WORDS + 1)
  })
})
