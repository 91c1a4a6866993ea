/**
 * The bundled @oclif/core gets scripts/vendor/minimatch-compiled-once.mjs for `minimatch`: it must
 * answer exactly as minimatch does (oclif picks its core plugins with it), errors included.
 */
import * as real from 'minimatch'
import {describe, expect, it} from 'vitest'

type Match = (p: string, pattern: string, options?: object) => boolean
// A plain JavaScript file of the build, typed here.
const shimFile = '../../scripts/vendor/minimatch-compiled-once.mjs'
const shim = (await import(shimFile)) as {minimatch: Match; Minimatch: unknown}

const names = ['@oclif/plugin-help', '@oclif/plugin-plugins', '@cto-cli/provider-kimi', 'zod', '.hidden', 'a/b/c.ts', '#x', '']
const patterns = ['@oclif/plugin-help', '@cto-cli/provider-*', '@oclif/*', '**', '*', '*.ts', '**/*.ts', 'a/{b,c}/*', '!zod', '#x', '', '@cto-cli/provider-{kimi,glm}']

describe('minimatch compiled once', () => {
  it('answers as minimatch for every name × pattern, asked twice', () => {
    for (const round of [1, 2])
      for (const p of names)
        for (const pattern of patterns) expect([round, p, pattern, shim.minimatch(p, pattern)]).toEqual([round, p, pattern, real.minimatch(p, pattern)])
  })

  it('passes options through, and keeps the rest of the module', () => {
    expect(shim.minimatch('.hidden', '*', {dot: true})).toBe(true)
    expect(shim.minimatch('.hidden', '*')).toBe(false)
    expect(shim.Minimatch).toBe(real.Minimatch)
  })

  it('throws for a pattern minimatch refuses, every time', () => {
    const long = 'a'.repeat(70_000)
    expect(() => real.minimatch('a', long)).toThrow()
    expect(() => shim.minimatch('a', long)).toThrow()
    expect(() => shim.minimatch('a', long)).toThrow()
    expect(() => shim.minimatch('a', 5 as unknown as string)).toThrow()
  })
})
