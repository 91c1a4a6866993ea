/**
 * `cto plugins install` from an npm tarball, as a user types the path: absolute, and `file:`
 * relative to where they are (a relative `./x.tgz` is in test/cli/plugin-safety.e2e.test.ts). oclif's
 * plugin-plugins 5 took both for GitHub repositories or resolved them from cto's data folder.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {join} from 'node:path'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import {modelHook, packPlugin, writePlugin} from '../support/plugin-package.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

type List = {models: Array<{name: string; plugin: string}>}

describe('cto plugins install <tarball>', () => {
  it.each([
    ['an absolute path', (tgz: string) => tgz],
    ['file: and a path relative to here', () => 'file:cto-provider-tarball-1.0.0.tgz'],
  ])('installs from %s, and uninstalls', async (_, arg) => {
    const src = await writePlugin(join(sb.home, 'src'), 'cto-provider-tarball', modelHook({provider: 'tarball', model: 'tar-model'}))
    const packs = join(sb.home, 'packs')
    const tgz = await packPlugin(src.dir, packs, sb.env)
    const r = await sb.run(['plugins', 'install', arg(tgz)], {cwd: packs, timeoutMs: 120_000})
    expect(r.code, r.stderr).toBe(0)
    const list = await sb.json<List>(['models', 'list'])
    expect(list.models.find((m) => m.name === 'tar-model')?.plugin).toBe('cto-provider-tarball')
    const u = await sb.run(['plugins', 'uninstall', 'cto-provider-tarball'], {timeoutMs: 120_000})
    expect(u.code, u.stderr).toBe(0)
    expect((await sb.json<List>(['models', 'list'])).models.some((m) => m.name === 'tar-model')).toBe(false)
  })
})
