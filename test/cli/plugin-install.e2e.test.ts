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

describe('cto plugins install --json', () => {
  it('--json: one document saying what was installed, with npm\'s own lines on stderr (they came first on stdout)', async () => {
    await writePlugin(join(sb.home, 'good'), 'cto-provider-good', modelHook({provider: 'good', model: 'good-model'}))
    // An unknown npm setting makes npm warn, as a deprecated dependency would.
    const r = await sb.run(['plugins', 'install', './good', '--json'], {env: {npm_config_cto_test_unknown_setting: 'x'}, timeoutMs: 120_000})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({
      installed: [{name: 'cto-provider-good', version: '1.0.0', type: 'user', root: join(sb.dataHome, 'cto', 'node_modules', 'cto-provider-good'), commands: [], hooks: ['cto:providers']}],
    })
    expect(r.stderr).toContain('npm warn Unknown env config "cto-test-unknown-setting"')
    expect((await sb.json<List>(['models', 'list'])).models.find((m) => m.name === 'good-model')?.plugin).toBe('cto-provider-good')
  })
})
