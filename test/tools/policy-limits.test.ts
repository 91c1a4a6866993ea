/**
 * The command policy on the inputs that once stalled it, and on generated adversarial shapes
 * (many stars, nested and unclosed braces, long words, long pipelines, wrapper chains …): every
 * input gets a decision (allowed, or refused with a rule), never a crash of the checker
 * (`policy-error`, which a stack overflow used to produce) and never a hang (the test would time
 * out). How fast they are decided is measured by `npm run bench policy`, not here.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {checkCommand} from '../../src/core/tools/policy/command-policy.js'
import {policyBenchInputs} from '../../bench/policy-bench.js'

const home = mkdtempSync(join(tmpdir(), 'cto-policy-limits-'))
const ws = join(home, 'proj')
mkdirSync(join(ws, 'src'), {recursive: true})
mkdirSync(join(home, '.ssh'), {recursive: true})
writeFileSync(join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY\n')
const ctx = {env: {HOME: home, PATH: process.env.PATH}, workspace: ws}
afterAll(() => rmSync(home, {recursive: true, force: true}))

const stars = '*'.repeat(30)

describe('the inputs that stalled the policy get the right decision', () => {
  it('ls ~/ and thirty stars may match ~/credentials: refused (it took 74 s with an x after the stars)', () => {
    expect(checkCommand(`ls ~/${stars}`, ctx)).toMatchObject({allowed: false, rule: 'names-protected-path'})
    expect(checkCommand(`ls ~/${stars}x`, ctx)).toEqual({allowed: true})
    // A dot-glob may expand to ~/.claudex, which ~/.claude* (Claude Code's files) covers: refused, quickly.
    expect(checkCommand(`ls ~/.${stars}x`, ctx)).toMatchObject({allowed: false, rule: 'names-protected-path'})
    expect(checkCommand(`ls ~/.${stars}h`, ctx)).toMatchObject({allowed: false, rule: 'names-protected-path'})
    expect(checkCommand(`cat ~/.s${stars}/id_rsa`, ctx)).toMatchObject({allowed: false, rule: 'names-protected-path'})
  })
  it('ten {,} groups are expanded and checked (they once hid ~/.ssh/id_rsa past the cap)', () => {
    expect(checkCommand(`cat ~/.ss${'{,}'.repeat(10)}h/id_rsa`, ctx)).toMatchObject({allowed: false, rule: 'names-protected-path'})
    expect(checkCommand(`echo ${'{,}'.repeat(10)}ok`, ctx)).toEqual({allowed: true})
  })
  it('64 KB of brace groups: refused, saying the expansion is bounded and how to write it instead', () => {
    const d = checkCommand(`echo ${'{a,b}'.repeat(13000)}`, ctx)
    expect(d).toMatchObject({allowed: false, rule: 'brace-expansion-limit'})
    expect(!d.allowed && d.reason).toMatch(/more than 4096 brace groups.*seq/)
    // Thirteen groups are 8192 words: counted while expanding, past the parser.
    const thirteen = checkCommand(`echo ${'{a,b}'.repeat(13)}`, ctx)
    expect(thirteen).toMatchObject({allowed: false, rule: 'brace-expansion-limit'})
    expect(!thirteen.allowed && thirteen.reason).toMatch(/make more than 4096 words.*seq/)
    expect(checkCommand(`echo ${'{a,b}'.repeat(12)}`, ctx)).toEqual({allowed: true})
    expect(checkCommand(`echo ${'{a,b} '.repeat(10900)}`, ctx)).toMatchObject({allowed: false, rule: 'brace-expansion-limit'})
    expect(checkCommand(`echo ${'{'.repeat(65000)}`, ctx)).toMatchObject({allowed: false, rule: 'brace-expansion-limit'})
  })
  it('brace sequences up to the bound run, past it they are refused', () => {
    expect(checkCommand('for i in {1..1000}; do echo $i; done', ctx)).toEqual({allowed: true})
    expect(checkCommand('mkdir -p out/{a,b,c}/{x,y}', ctx)).toEqual({allowed: true})
    expect(checkCommand('for i in {1..100000}; do :; done', ctx)).toMatchObject({allowed: false, rule: 'brace-expansion-limit'})
  })
  it('every bench input is decided without a checker error', () => {
    for (const [name, command] of policyBenchInputs()) {
      const d = checkCommand(command, ctx)
      expect(d.allowed || d.rule !== 'policy-error', `${name}: ${JSON.stringify(d).slice(0, 300)}`).toBe(true)
    }
  })
})

/** A shape: a function of a size n that builds a command around it. */
const shapes: Record<string, (n: number) => string> = {
  'stars in home': (n) => `ls ~/${'*'.repeat(n)}x`,
  'dot and stars in home': (n) => `ls ~/.${'*'.repeat(n)}z`,
  'stars in every segment': (n) => `ls ~/${'*/'.repeat(n)}x`,
  'stars and question marks': (n) => `ls ~/${'*?'.repeat(n)}x`,
  'bracket classes': (n) => `cat ~/${'[a-z]*'.repeat(n)}x`,
  'rm -rf with stars': (n) => `rm -rf ./${'*'.repeat(n)}.tmp`,
  'nested brace alternatives': (n) => `echo ${'{a,'.repeat(n)}b${'}'.repeat(n)}`,
  'nested braces without commas': (n) => `echo ${'{'.repeat(n)}x${'}'.repeat(n)}`,
  'unclosed braces': (n) => `echo ${'{a'.repeat(n)}`,
  'closing braces only': (n) => `echo ${'a}'.repeat(n)}`,
  'brace groups in one word': (n) => `echo ${'{x,y}'.repeat(n)}`,
  'brace groups as words': (n) => `echo ${'{x,y} '.repeat(n)}`,
  'brace sequences': (n) => `echo ${'{1..99} '.repeat(n)}`,
  'quoted braces': (n) => `echo '${'{a,b}'.repeat(n)}'`,
  'a long word': (n) => `cat ${'a'.repeat(n * 6)}`,
  'a long path': (n) => `cat ${'src/'.repeat(n)}x`,
  'a long climb': (n) => `cat ${'../'.repeat(n)}etc/hostname`,
  'many words': (n) => `echo ${Array.from({length: n}, (_, i) => `w${i}`).join(' ')}`,
  'many paths after a run-time cd': (n) => `cd "$(pwd)" && cat ${Array.from({length: n}, (_, i) => `d${i}/f`).join(' ')}`,
  'many run-time words': (n) => `cat ${'"$x"/a '.repeat(n)}`,
  'a long pipeline': (n) => `true${' | cat'.repeat(n)}`,
  'a long && list': (n) => `true${' && cd src'.repeat(n)}`,
  'a long || list': (n) => `false${' || ls'.repeat(n)}`,
  'many statements': (n) => `true${'; ls src'.repeat(n)}`,
  'nested command substitutions': (n) => `echo ${'$(echo '.repeat(Math.min(n, 400))}x${')'.repeat(Math.min(n, 400))}`,
  'nested subshells': (n) => `${'('.repeat(Math.min(n, 400))}ls${')'.repeat(Math.min(n, 400))}`,
  'nested bash -c': (n) => `bash -c ${"'bash -c \"".repeat(Math.min(n, 20))}ls`,
  'wrappers with unknown options': (n) => `${'sudo --frob '.repeat(n)}rm -rf ./build`,
  'env chains': (n) => `${'env X=1 '.repeat(n)}ls`,
  'find with many roots and -exec': (n) => `find ${'src '.repeat(n)} -exec rm {} +`,
  'ANSI-C escapes': (n) => `echo $'${'\\1'.repeat(n * 2)}'`,
  'a big here-document': (n) => `cat > notes.txt <<'EOF'\n${'line with | and ; and $x\n'.repeat(n)}EOF`,
  'awk with many slashes': (n) => `awk '{ x = ${'1 / '.repeat(n)}1 }' f`,
  'python code naming agents/': (n) => `python3 -c 'print(${JSON.stringify('agents/'.repeat(n))})'`,
  'many assignments': (n) => `${Array.from({length: n}, (_, i) => `V${i}=x`).join(' ')} ls`,
  'functions in functions': (n) => `${'f(){ '.repeat(Math.min(n, 100))}ls${'; }'.repeat(Math.min(n, 100))}`,
}

/** The largest n whose command stays within the 64 KB the policy reads (past it, a refusal needs no reading). */
function largest(make: (n: number) => string): number {
  let lo = 1
  let hi = 2
  while (Buffer.byteLength(make(hi)) <= 64 * 1024 && hi < 1 << 20) hi *= 2
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (Buffer.byteLength(make(mid)) <= 64 * 1024) lo = mid
    else hi = mid
  }
  return lo
}

describe('generated adversarial shapes are each decided', () => {
  const cases = Object.entries(shapes).flatMap(([name, make]) =>
    [10, 300, largest(make)].map((n) => {
      const command = make(n)
      return [`${name}, n=${n} (${Buffer.byteLength(command)} bytes)`, command] as const
    }),
  )
  it.each(cases)('%s', (_title, command) => {
    const d = checkCommand(command, ctx)
    if (d.allowed) expect(d).toEqual({allowed: true})
    else {
      expect(d.rule).not.toBe('policy-error')
      expect(d.reason.length).toBeGreaterThan(10)
      expect(d.reason.length).toBeLessThan(2000)
    }
  })
})
