import {describe, expect, it} from 'vitest'
import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {installSpec} from '../../src/core/plugins/install-spec.js'

describe('installSpec: what cto plugins install hands npm', () => {
  it('makes every local path an absolute file: spec', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cto-spec-'))
    await writeFile(join(cwd, 'p.tgz'), '')
    expect(installSpec('./p.tgz', cwd)).toBe(`file:${join(cwd, 'p.tgz')}`)
    expect(installSpec('../x/p.tgz', cwd)).toBe(`file:${join(cwd, '..', 'x', 'p.tgz')}`)
    expect(installSpec('/abs/p.tgz', cwd)).toBe('file:/abs/p.tgz')
    expect(installSpec('~/p.tgz', cwd, '/home/u')).toBe('file:/home/u/p.tgz')
    expect(installSpec('file:p.tgz', cwd)).toBe(`file:${join(cwd, 'p.tgz')}`)
    expect(installSpec('file:/abs/p.tgz', cwd)).toBe('file:/abs/p.tgz')
    expect(installSpec('p.tgz', cwd)).toBe(`file:${join(cwd, 'p.tgz')}`)
    expect(installSpec('.', cwd)).toBe(`file:${cwd}`)
  })

  it('leaves npm names, tags, URLs and GitHub slugs alone', () => {
    for (const s of ['cto-provider-together', 'cto-provider-together@1.2.0', '@acme/cto-provider@next', 'https://github.com/acme/cto-provider', 'git+ssh://git@github.com/acme/p.git', 'acme/cto-provider', 'missing.tgz', 'file://host/p.tgz']) {
      expect(installSpec(s, '/nowhere')).toBe(s)
    }
  })
})
