/**
 * The command policy's fast matching gives the answers of the slow reference it replaced:
 * glob-match.ts against regular expressions on small inputs, deny-index.ts against
 * path-policy.ts's checkDenyLists and protected-paths.ts's matchers, real-path-cache.ts against
 * path-resolve.ts's resolveReal on a tree of symlinks.
 */
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {DenyIndex} from '../../src/core/tools/policy/deny-index.js'
import {globSegmentsMayTouch, wildcardMatch} from '../../src/core/tools/policy/glob-match.js'
import {checkDenyLists} from '../../src/core/tools/policy/path-policy.js'
import {resolveReal} from '../../src/core/tools/policy/path-resolve.js'
import {foldPath, globMayTouchPattern, neverReadableEntries, neverWritableEntries, pathContainsPattern, pathMatchesPattern} from '../../src/core/tools/policy/protected-paths.js'
import {RealPathCache} from '../../src/core/tools/policy/real-path-cache.js'
import {resolveToolPolicy} from '../../src/core/tools/policy/policy-schema.js'
import {GLOB_CLASS, GLOB_QMARK, GLOB_STAR} from '../../src/core/tools/policy/shell-words.js'

const base = mkdtempSync(join(tmpdir(), 'cto-policy-matching-'))
afterAll(() => rmSync(base, {recursive: true, force: true}))

/** A small deterministic generator, so a failure names a reproducible case. */
function generator(seed: number) {
  let x = seed
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return x / 2 ** 31
  }
  return {pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!, int: (n: number) => Math.floor(next() * n)}
}

describe('wildcardMatch answers as a regular expression would', () => {
  const g = generator(7)
  const reOf = (p: string) => new RegExp(`^${[...p].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's')
  const cases = Array.from({length: 400}, () => {
    const p = Array.from({length: g.int(8)}, () => g.pick(['a', 'b', '*', '?', '.', '*'])).join('')
    const t = Array.from({length: g.int(8)}, () => g.pick(['a', 'b', '.'])).join('')
    return [p, t] as const
  })
  it.each(cases.slice(0, 400).map(([p, t]) => [`${p} ~ ${t}`, p, t]))('%s', (_n, p, t) => {
    expect(wildcardMatch(p, t, '*', '?')).toBe(reOf(p).test(t))
  })
  it('thirty stars then a letter against a protected name: no match, no stall', () => {
    expect(wildcardMatch(`${'*'.repeat(30)}x`, 'credentials', '*', '?')).toBe(false)
    expect(wildcardMatch(`${'*?'.repeat(5000)}x`, 'credentials', '*', '?')).toBe(false)
  })
})

describe('globSegmentsMayTouch answers as globMayTouchPattern does', () => {
  const g = generator(11)
  const m = {star: GLOB_STAR, qmark: GLOB_QMARK, klass: GLOB_CLASS}
  const segs = ['home', 'u', '.ssh', 'credentials', 'agents', 'x', 'config.json', '.config', 'cto', 'lib64', 'proj']
  const globSeg = () =>
    g.pick([
      () => g.pick(segs),
      () => GLOB_STAR,
      () => `.${GLOB_STAR}`,
      () => `${GLOB_STAR}s`,
      () => `c${GLOB_STAR}`,
      () => `.ss${GLOB_QMARK}`,
      () => `${GLOB_CLASS}a]${GLOB_STAR}`,
      () => `${GLOB_STAR}${GLOB_STAR}x`,
    ])()
  const patterns = ['/home/u/.ssh', '/home/u/credentials', '/home/u/agents/*/config.json', '/home/u/.config/cto', '/lib*', '/etc']
  const cases = Array.from({length: 300}, () => {
    const glob = `/${Array.from({length: 1 + g.int(4)}, () => (g.int(3) === 0 ? globSeg() : g.pick(segs))).join('/')}`
    return [glob, g.pick(patterns)] as const
  })
  it.each(cases.map(([gl, p]) => [`${gl.replace(/\uE000/g, '*').replace(/\uE001/g, '?').replace(/\uE002/g, '[')} vs ${p}`, gl, p]))('%s', (_n, gl, p) => {
    const split = (x: string) => foldPath(x).split('/').filter((s) => s.length > 0)
    expect(globSegmentsMayTouch(split(gl), split(p), m)).toBe(globMayTouchPattern(gl, p, m))
  })
})

describe('DenyIndex answers as the path policy does', () => {
  const home = join(base, 'home')
  const env = {HOME: home, PATH: process.env.PATH}
  const ctx = {env, policy: resolveToolPolicy({deny_read: ['~/private/*/secret'], deny_write: ['~/frozen']}), workspace: join(home, 'proj')}
  const index = new DenyIndex(ctx)
  const rels = ['.ssh', '.ssh/id_rsa', '.SSH/Id_Rsa', '.ss', 'credentials/bank.txt', 'Credentials', 'agents/deepseek/config.json', 'agents/deepseek', 'agents', '.config/cto/config.json', '.config/other', '.bashrc', '.BASHRC', '.gitconfig', 'private/a/secret', 'private/a/other', 'frozen/x', 'proj/src/a.ts', 'proj/.git/hooks/pre-commit', 'proj/.git/config', 'proj/.git', 'proj/.gitignore', '\uFF41gents/x/config.json', '.ss\u200Bh/id_rsa', '']
  const abs = [...rels.map((r) => join(home, r)), '/etc/passwd', '/usr/lib/x', '/lib64/ld.so', '/libx', '/tmp/x', '/', '/dev/null', home, base]
  it.each(abs.flatMap((p) => (['read', 'write'] as const).map((mode) => [`${mode} ${p}`, mode, p] as const)))('%s', (_n, mode, p) => {
    const expected = checkDenyLists(mode, [p], p, ctx)
    expect(index.check(mode, [p], p)).toEqual(expected)
  })
  it.each(abs.map((p) => [p]))('protected inside / system: %s', (p) => {
    const entries = [...neverReadableEntries(ctx), ...neverWritableEntries(ctx)]
    expect(index.protectedInside(p)).toBe(entries.find((e) => e.rule !== 'system-path' && pathContainsPattern(p, e.pattern))?.pattern)
    expect(index.isSystem(p)).toBe(neverWritableEntries(ctx).some((e) => e.rule === 'system-path' && (pathMatchesPattern(p, e.pattern) || pathContainsPattern(p, e.pattern))))
  })
})

describe('RealPathCache resolves as resolveReal does', () => {
  const root = join(base, 'links')
  mkdirSync(join(root, 'a', 'b'), {recursive: true})
  mkdirSync(join(root, 'outside'), {recursive: true})
  writeFileSync(join(root, 'a', 'b', 'f'), 'x')
  symlinkSync(join(root, 'outside'), join(root, 'a', 'abs-link'))
  symlinkSync('../outside', join(root, 'a', 'rel-link'))
  symlinkSync('b/../../outside', join(root, 'a', 'dotdot-link'))
  symlinkSync(join(root, 'a', 'loop2'), join(root, 'a', 'loop1'))
  symlinkSync(join(root, 'a', 'loop1'), join(root, 'a', 'loop2'))
  symlinkSync(join(root, 'nowhere'), join(root, 'a', 'dangling'))
  symlinkSync('.', join(root, 'a', 'self'))
  const texts = ['b/f', 'abs-link', 'abs-link/new', 'rel-link/../a/b', 'dotdot-link', 'dangling/x', 'self/self/self/b', 'loop1', 'missing/../b', 'b/../../a/rel-link', '../a/abs-link/..', 'ABS-LINK/x', '.']
  const outcome = (f: () => string) => {
    try {
      return f()
    } catch (error) {
      return `error: ${(error as Error).message}`
    }
  }
  it('after many lookups in one folder (answered from its listing), the same answers', () => {
    const cache = new RealPathCache()
    const cwd = join(root, 'a')
    const many = [...Array.from({length: 40}, (_, i) => `missing-${i}/x`), ...texts, ...texts.map((t) => t.toUpperCase())]
    for (const t of many) expect(outcome(() => cache.resolveIn(cwd, t)), t).toBe(outcome(() => resolveReal(`${cwd}/${t}`)))
  })
  it.each(texts.map((t) => [t]))('%s', (t) => {
    const cache = new RealPathCache()
    const cwd = join(root, 'a')
    expect(outcome(() => cache.resolveIn(cwd, t))).toBe(outcome(() => resolveReal(`${cwd}/${t}`)))
    expect(outcome(() => cache.resolve(`${cwd}/${t}`))).toBe(outcome(() => resolveReal(`${cwd}/${t}`)))
  })
})
