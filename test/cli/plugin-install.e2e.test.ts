/**
 * `cto plugins install` from an npm tarball, as a user types the path: absolute, and `file:`
 * relative to where they are (a relative `./x.tgz` is in test/cli/plugin-safety.e2e.test.ts). oclif's
 * plugin-plugins 5 took both for GitHub repositories or resolved them from cto's data folder.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import {modelHook, packPlugin, writePlugin} from '../support/plugin-package.js'
import {closedPort} from '../support/http-helpers.js'

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

type Status = {broken_plugins: Array<{name: string; reason: string}>}
type ErrorDoc = {error: {code: string; message: string; actions: string[]}}

describe('cto plugins install <folder>', () => {
  it('a folder whose dependencies were never installed: exit 1 naming "npm install" in that folder; once done, the plugin works', async () => {
    // The hook imports a package the folder has not installed (as the guide's plugin imports @cto-cli/provider-spec before "npm install").
    const src = await writePlugin(join(sb.home, 'folder-plugin'), 'cto-provider-folder', modelHook({provider: 'folder', model: 'folder-model', extra: "await import('cto-test-helper-dep')"}))
    const r = await sb.run(['plugins', 'install', './folder-plugin', '--json'], {timeoutMs: 120_000})
    // It said "installed v1.0.0", exit 0, and the next command found a broken plugin with no fix.
    expect(r.code, r.stderr).toBe(1)
    const doc = JSON.parse(r.stdout) as ErrorDoc
    expect(doc.error.code).toBe('PLUGIN_BROKEN')
    expect(doc.error.message).toBe(
      `cto-provider-folder is installed, but cto can't load it: it imports cto-test-helper-dep, which is not installed in ${src.dir} (cto uses that folder as it is): run "npm install" there.`,
    )
    expect(doc.error.actions).toEqual(['To remove it instead: cto plugins uninstall cto-provider-folder'])
    // Every command that loads plugins says the same.
    const listed = await sb.json<Status>(['models', 'list'])
    expect(listed.broken_plugins.map((b) => b.reason)).toEqual([`it imports cto-test-helper-dep, which is not installed in ${src.dir} (cto uses that folder as it is): run "npm install" there.`])
    // What "npm install" there would bring: the folder is used as it is, so no reinstall is needed.
    const dep = join(src.dir, 'node_modules', 'cto-test-helper-dep')
    await mkdir(dep, {recursive: true})
    await writeFile(join(dep, 'package.json'), JSON.stringify({name: 'cto-test-helper-dep', version: '1.0.0', type: 'module', main: 'index.js'}))
    await writeFile(join(dep, 'index.js'), 'export default 1\n')
    const after = await sb.json<List & Status>(['models', 'list'])
    expect(after.broken_plugins).toEqual([])
    expect(after.models.find((m) => m.name === 'folder-model')?.plugin).toBe('cto-provider-folder')
  })

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

  it('a plugin that needs its settings: checked with the user\'s (without them it would fail the install it is fine with)', async () => {
    const needs = "if (!settings('picky')?.base_url) throw new Error('providers.picky.base_url is not set: cto config set providers.picky.base_url URL')"
    await writePlugin(join(sb.home, 'picky'), 'cto-provider-picky', modelHook({provider: 'picky', model: 'picky-model', extra: needs}).replace('providers({factories})', 'providers({factories, settings})'))
    await sb.writeUserConfig({providers: {picky: {base_url: 'http://127.0.0.1:9/v1'}}})
    const r = await sb.run(['plugins', 'install', './picky'], {timeoutMs: 120_000})
    expect(r.code, r.stderr).toBe(0)
    expect((await sb.json<List>(['models', 'list'])).models.find((m) => m.name === 'picky-model')?.plugin).toBe('cto-provider-picky')
  })

  it('a folder whose hook file is not built: the fix is to build it there', async () => {
    const src = await writePlugin(join(sb.home, 'unbuilt'), 'cto-provider-unbuilt', modelHook({provider: 'unbuilt', model: 'unbuilt-model'}), {oclif: {hooks: {'cto:providers': './dist/hooks/providers.js'}}})
    const r = await sb.run(['plugins', 'install', './unbuilt'], {timeoutMs: 120_000})
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain(`Error: cto-provider-unbuilt is installed, but cto can't load it: its file dist/hooks/providers.js is not there: build the plugin in ${src.dir} ("npm run build"), then run the command again.`)
  })

  it.each([
    ['a path that is not there', './nowhere', 'PLUGIN_SOURCE_NOT_FOUND', 'does not exist'],
    ['a folder without package.json', './just-a-folder', 'PLUGIN_SOURCE_NOT_A_PACKAGE', 'has no package.json, so it is not an npm package'],
  ])('%s: one line saying so before npm runs (it was npm\'s "enoent" lines and its command line), nothing installed', async (_, arg, code, says) => {
    await mkdir(join(sb.home, 'just-a-folder'))
    const human = await sb.run(['plugins', 'install', arg], {timeoutMs: 120_000})
    expect(human.code).toBe(1)
    expect(human.stderr).toContain(`Error: Cannot install ${arg}: ${join(sb.home, arg.slice(2))} ${says}. Nothing was installed.`)
    expect(human.stderr).not.toMatch(/npm error|npm-cli|exited with code|DEBUG=/)
    const json = await sb.run(['plugins', 'install', arg, '--json'], {timeoutMs: 120_000})
    expect(json.code).toBe(1)
    expect((JSON.parse(json.stdout) as ErrorDoc).error.code).toBe(code)
    expect(existsSync(join(sb.dataHome, 'cto', 'node_modules'))).toBe(false)
  })
})


describe('cto plugins uninstall', () => {
  it('--json: one document naming what was removed (it was "Nonexistent flag: --json")', async () => {
    await writePlugin(join(sb.home, 'good'), 'cto-provider-good', modelHook({provider: 'good', model: 'good-model'}))
    expect((await sb.run(['plugins', 'install', './good'], {timeoutMs: 120_000})).code).toBe(0)
    const r = await sb.run(['plugins', 'uninstall', 'cto-provider-good', '--json'], {timeoutMs: 120_000})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({uninstalled: ['cto-provider-good']})
    expect((await sb.json<List>(['models', 'list'])).models.some((m) => m.name === 'good-model')).toBe(false)
  })

  it('a name not installed: exit 64 with the closest installed one; a plugin cto comes with: says so (it was "… is not installed", exit 1)', async () => {
    await writePlugin(join(sb.home, 'good'), 'cto-provider-good', modelHook({provider: 'good', model: 'good-model'}))
    expect((await sb.run(['plugins', 'install', './good'], {timeoutMs: 120_000})).code).toBe(0)
    const typo = await sb.run(['plugins', 'uninstall', 'cto-provider-god', '--json'])
    expect(typo.code).toBe(64)
    expect(JSON.parse(typo.stdout)).toEqual({error: {code: 'NO_SUCH_PLUGIN', message: 'No plugin "cto-provider-god" is installed. Did you mean "cto-provider-good"?', actions: ['See the installed plugins with "cto plugins".']}})
    const core = await sb.run(['plugins', 'uninstall', '@cto-cli/provider-ollama'])
    expect(core.code).toBe(64)
    expect(core.stderr).toContain("Error: @cto-cli/provider-ollama comes with cto and can't be uninstalled.")
    expect(core.stderr).toContain('→ Turn its models off instead: "cto models disable MODEL" (see "cto models list").')
    // Still installed, both.
    const list = await sb.json<List>(['models', 'list'])
    expect(list.models.some((m) => m.name === 'good-model')).toBe(true)
  })
})

describe('cto plugins link <folder> --no-install', () => {
  it('a plugin whose dependencies are not there: linked (exit 0), with a warning naming "npm install" in that folder (it said nothing, and the next command found it broken)', async () => {
    const src = await writePlugin(join(sb.home, 'linked-bare'), 'cto-provider-linked-bare', modelHook({provider: 'bare', model: 'bare-model', extra: "await import('cto-test-helper-dep')"}))
    const r = await sb.run(['plugins', 'link', './linked-bare', '--no-install'], {timeoutMs: 120_000})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(`Warning: cto-provider-linked-bare is linked, but cto can't load it: it imports cto-test-helper-dep, which is not installed in ${src.dir} (cto uses that folder as it is): run "npm install" there.`)
  })
})

describe('cto plugins link, update, reset --json (oclif\'s commands had no --json: "Nonexistent flag: --json")', () => {
  it('each prints one document; their own lines go to stderr', async () => {
    const src = await writePlugin(join(sb.home, 'linked'), 'cto-provider-linked', modelHook({provider: 'linked', model: 'linked-model'}))
    const link = await sb.run(['plugins', 'link', './linked', '--no-install', '--json'], {timeoutMs: 120_000})
    expect(link.code, link.stderr).toBe(0)
    expect(JSON.parse(link.stdout)).toEqual({linked: [{name: 'cto-provider-linked', type: 'link', version: '1.0.0', root: src.dir}]})
    expect((await sb.json<List>(['models', 'list'])).models.find((m) => m.name === 'linked-model')?.plugin).toBe('cto-provider-linked')

    const update = await sb.run(['plugins', 'update', '--json'], {timeoutMs: 120_000})
    expect(update.code, update.stderr).toBe(0)
    expect(JSON.parse(update.stdout)).toEqual({plugins: [{name: 'cto-provider-linked', from: '1.0.0', to: '1.0.0'}]})

    // It asks first, as cto perf reset does; with no terminal to ask on, --yes is needed and nothing is removed.
    const asked = await sb.run(['plugins', 'reset', '--json'], {timeoutMs: 120_000})
    expect(asked.code).toBe(64)
    expect((JSON.parse(asked.stdout) as ErrorDoc).error).toMatchObject({code: 'PLUGINS_RESET_NEEDS_YES', message: 'cto plugins reset asks before removing cto-provider-linked, and there is no terminal to ask on.'})
    expect((await sb.json<List>(['models', 'list'])).models.some((m) => m.name === 'linked-model')).toBe(true)

    const reset = await sb.run(['plugins', 'reset', '--yes', '--json'], {timeoutMs: 120_000})
    expect(reset.code, reset.stderr).toBe(0)
    expect(JSON.parse(reset.stdout)).toEqual({removed: [{name: 'cto-provider-linked', type: 'link', version: '1.0.0', root: src.dir}], now: []})
    // oclif's lines ("Found 1 plugins:", "✅ Unlinked …") were on stdout.
    expect(reset.stderr).toContain('✅ Unlinked cto-provider-linked')
    expect((await sb.json<List>(['models', 'list'])).models.some((m) => m.name === 'linked-model')).toBe(false)
  })
})

describe('cto plugins install <npm name>, when npm can\'t find it', () => {
  // npm's retries off, so a registry that isn't there fails at once (by default npm retries for a minute).
  const quick = {npm_config_fetch_retries: '0'}

  it('a registry that does not answer is said to be unreachable (it said the package "does not exist in the registry")', async () => {
    const port = await closedPort()
    const r = await sb.run(['plugins', 'install', 'cto-provider-somewhere', '--json'], {env: {...quick, CTO_NPM_REGISTRY: `http://127.0.0.1:${port}/`}, timeoutMs: 120_000})
    expect(r.code, r.stderr).toBe(1)
    const doc = JSON.parse(r.stdout) as ErrorDoc
    expect(doc.error).toMatchObject({code: 'NPM_REGISTRY_UNREACHABLE', message: `Could not reach the npm registry http://127.0.0.1:${port}/ (connection refused), so cto-provider-somewhere was not installed.`})
  })

  it('a registry that answers 404: no such package, named with the registry', async () => {
    const server = createServer((_, res) => res.writeHead(404, {'content-type': 'application/json'}).end('{"error":"Not found"}'))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    try {
      const r = await sb.run(['plugins', 'install', '@someone/cto-provider-nothing'], {env: {...quick, CTO_NPM_REGISTRY: url}, timeoutMs: 120_000})
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toContain(`Error: No package @someone/cto-provider-nothing in the npm registry ${url}. Nothing was installed.`)
    } finally {
      server.close()
    }
  })
})
