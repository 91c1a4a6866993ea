/**
 * Plugins can't hang or haunt cto (issue 15), through the built CLI:
 * - a hook that never answers (and keeps an interval running), a hook module whose loading never
 *   finishes, a hook that throws, and a hook that answers but leaves a 100 s timer: the command
 *   answers and the process exits normally, with the first three reported as broken;
 * - a v1 plugin is still accepted;
 * - a model whose plugin was uninstalled is "plugin missing": listed so, never routed to, never
 *   priced (not "free"), not enabled or run by name, and nothing of the plugin is left behind;
 * - `cto models enable` never copies a model that a project config declares into the user config.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises'
import {existsSync} from 'node:fs'
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

/** Links plugins the way `cto plugins link --no-install` records them (spawning it per plugin costs seconds each). */
async function linkAll(dirs: Array<{dir: string; name: string}>): Promise<void> {
  const data = join(sb.dataHome, 'cto')
  await mkdir(data, {recursive: true})
  const plugins = dirs.map((d) => ({name: d.name, type: 'link', root: d.dir}))
  await writeFile(join(data, 'package.json'), JSON.stringify({name: 'cto-cli', private: true, dependencies: {}, oclif: {schema: 1, plugins}}, null, 2))
}

type List = {models: Array<{name: string; plugin: string; price_per_mtok: unknown}>; missing_models: Array<{name: string; status: string}>; broken_plugins: Array<{name: string; reason: string}>}

describe('plugins that hang, throw or leave timers behind', () => {
  it('are cut off: the command answers, exits 0 and promptly, and names the broken ones', async () => {
    const p = (name: string) => join(sb.home, 'plugins', name)
    const plugins = [
      await writePlugin(p('hangs'), 'cto-provider-hangs', 'export default function () { return new Promise(() => { setInterval(() => {}, 1000) }) }\n'),
      await writePlugin(p('slow-load'), 'cto-provider-slow-load', 'setInterval(() => {}, 1000)\nawait new Promise(() => {})\nexport default async function () { return [] }\n'),
      await writePlugin(p('throws'), 'cto-provider-throws', 'export default function () { throw new Error("boom from plugin") }\n'),
      await writePlugin(
        p('own-error'),
        'cto-provider-own-error',
        'export default async function () { const e = new Error("providers.own.base_url is not a URL."); e[Symbol.for("cto.error")] = true; e.code = "OWN_BAD_SETTINGS"; e.actions = ["Fix it: cto config set providers.own.base_url <url>"]; throw e }\n',
      ),
      await writePlugin(p('timer'), 'cto-provider-timer', modelHook({provider: 'timer', model: 'timer-model', extra: 'setTimeout(() => {}, 100_000)'})),
      await writePlugin(
        p('v1'),
        'cto-provider-v1',
        // Written by hand against spec v1, with a field v1 doesn't have (ignored).
        `export default async function () { return {specificationVersion: 'v1', name: 'old', models: [{name: 'v1-model', provider: 'old', engine: 'text', group: 'external', modelId: 'v1', needsKey: false, supportsTools: false, contextWindow: 8192, pricing: {inputPerMTok: 1, outputPerMTok: 1}, goodFor: [], description: 'from a v1 plugin', enabledByDefault: true, protected: true}]} }\n`,
      ),
    ]
    await linkAll(plugins)

    const started = Date.now()
    const r = await sb.run(['models', 'list', '--json'], {timeoutMs: 90_000})
    const elapsed = Date.now() - started
    expect(r.code, r.stderr).toBe(0)
    // The hooks' timeout is 3 s; the 100 s timer and the intervals would hold the process for good.
    expect(elapsed).toBeLessThan(30_000)
    const list = JSON.parse(r.stdout) as List
    const broken = Object.fromEntries(list.broken_plugins.map((b) => [b.name, b.reason]))
    expect(broken['cto-provider-hangs']).toMatch(/Timed out after 3000 ms/)
    expect(broken['cto-provider-slow-load']).toMatch(/Timed out after 3000 ms/)
    expect(broken['cto-provider-throws']).toBe('boom from plugin')
    expect(broken['cto-provider-own-error']).toBe('providers.own.base_url is not a URL. Fix it: cto config set providers.own.base_url <url>')
    expect(Object.keys(broken).sort()).toEqual(['cto-provider-hangs', 'cto-provider-own-error', 'cto-provider-slow-load', 'cto-provider-throws'])
    expect(list.models.find((m) => m.name === 'timer-model')?.plugin).toBe('cto-provider-timer')
    expect(list.models.find((m) => m.name === 'v1-model')?.plugin).toBe('cto-provider-v1')
    // A linked ESM plugin runs from its files, without oclif's auto-transpile warning.
    expect(r.stderr).not.toMatch(/auto-transpile|linked ESM/)

    // A command that shows people what is broken, and one that fails: both end.
    const status = await sb.run(['status'], {timeoutMs: 90_000})
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toMatch(/Broken plugin\s+cto-provider-hangs: Timed out/)
    const fail = await sb.run(['models', 'show', 'no-such-model'], {timeoutMs: 90_000})
    expect(fail.code).toBe(64)
  })
})

describe('a model whose plugin is gone', () => {
  it('is "plugin missing": never routed to, never priced, not enabled or run by name; the plugin leaves nothing behind', async () => {
    const src = await writePlugin(join(sb.home, 'src', 'ghosty'), 'cto-provider-ghosty', modelHook({provider: 'ghosty', model: 'ghost-research', engine: 'text', price: 0.01, needsKey: false}))
    const packs = join(sb.home, 'packs')
    await packPlugin(src.dir, packs, sb.env)
    // Installed from a relative path, as a user in that folder types it.
    const install = await sb.run(['plugins', 'install', './cto-provider-ghosty-1.0.0.tgz'], {cwd: packs, timeoutMs: 120_000})
    expect(install.code, install.stderr).toBe(0)
    const enable = await sb.run(['models', 'enable', 'ghost-research'])
    expect(enable.code, enable.stderr).toBe(0)

    const task = ['task', '--dry-run', '--json', '--seed', '1', '--type', 'research', '--complexity', 'simple', 'summarise the trade-offs of CRDTs']
    type Plan = {route: {selected: string; candidates: Array<{model: string}>}}
    const before = await sb.json<Plan>(task)
    expect(before.route.selected).toBe('ghost-research')

    const uninstall = await sb.run(['plugins', 'uninstall', 'cto-provider-ghosty'], {timeoutMs: 120_000})
    expect(uninstall.code, uninstall.stderr).toBe(0)
    const data = join(sb.dataHome, 'cto')
    expect(existsSync(join(data, 'node_modules', 'cto-provider-ghosty'))).toBe(false)
    const pjson = JSON.parse(await readFile(join(data, 'package.json'), 'utf8')) as {dependencies?: Record<string, string>; oclif: {plugins: unknown[]}}
    expect(pjson.dependencies ?? {}).toEqual({})
    expect(pjson.oclif.plugins).toEqual([])
    expect((await readdir(join(data, 'node_modules')).catch(() => [])).filter((n) => !n.startsWith('.'))).toEqual([])

    const list = await sb.json<List>(['models', 'list'])
    expect(list.models.some((m) => m.name === 'ghost-research')).toBe(false)
    expect(list.missing_models).toEqual([expect.objectContaining({name: 'ghost-research', status: 'plugin missing'})])
    const text = await sb.run(['models', 'list'])
    const row = text.stdout.split('\n').find((l) => l.startsWith('ghost-research'))
    expect(row).toMatch(/plugin missing/)
    expect(row).not.toMatch(/free/)
    expect(row).toMatch(/unknown$/)
    expect(text.stderr).toMatch(/ghost-research: plugin missing \(named in .*config\.json\), so it is never used/)

    const after = await sb.json<Plan>(task)
    expect(after.route.selected).not.toBe('ghost-research')
    expect(after.route.candidates.map((c) => c.model)).not.toContain('ghost-research')

    const config = await readFile(sb.userConfigFile, 'utf8')
    for (const args of [['models', 'enable', 'ghost-research'], ['run', '-m', 'ghost-research', 'hello']]) {
      const r = await sb.run(args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.stderr).toMatch(/Model "ghost-research" is in your config \(.*\), but no installed plugin provides it \(plugin missing\)/)
    }
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(config)
  })
})

describe('cto models enable and a project config', () => {
  it('never copies a model the project config declares into the user config', async () => {
    const project = join(sb.home, 'project')
    await mkdir(project, {recursive: true})
    await writeFile(join(project, 'cto.config.json'), JSON.stringify({providers: {ollama: {models: ['qwen-local']}}}))
    const trust = await sb.run(['config', 'trust'], {cwd: project})
    expect(trust.code, trust.stderr).toBe(0)
    const list = await sb.json<List>(['models', 'list'], {cwd: project})
    expect(list.models.some((m) => m.name === 'qwen-local')).toBe(true)

    const r = await sb.run(['models', 'disable', 'qwen-local'], {cwd: project})
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`qwen-local comes from providers.ollama in ${join(project, 'cto.config.json')}`)
    expect(existsSync(sb.userConfigFile)).toBe(false)

    // A model of an installed plugin is still the user's to switch, from inside the project too.
    const ok = await sb.run(['models', 'disable', 'kimi'], {cwd: project})
    expect(ok.code, ok.stderr).toBe(0)
    expect(JSON.parse(await readFile(sb.userConfigFile, 'utf8'))).toEqual({worker_models: {external: {kimi: {enabled: false}}}})
  })
})
