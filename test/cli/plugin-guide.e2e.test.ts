/**
 * docs/writing-a-provider-plugin.md, step by step, as a plugin author and a user would do it,
 * through the built CLI and real npm: the spec package and the example plugin are published to a
 * private registry (verdaccio on 127.0.0.1, no uplinks), the plugin is tried linked, published,
 * installed from the registry with `cto plugins install`, enabled, routed to (a dry run, then a real
 * `cto task` against the OpenAI-compatible test server), shown in `cto perf`, and uninstalled
 * with nothing left behind. The guide's files are the example's files, byte for byte.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {execFile} from 'node:child_process'
import {cp, mkdir, readdir, readFile, rm} from 'node:fs/promises'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {makeSandbox, REPO, type Sandbox} from '../support/run-cli.js'
import {startRegistry, type Registry} from '../support/npm-registry.js'
import {startOpenAIServer, type ChatRequest, type OpenAIReply, type OpenAIServer} from '../support/openai-server.js'

const exec = promisify(execFile)
const GUIDE = join(REPO, 'docs', 'writing-a-provider-plugin.md')
const EXAMPLE = join(REPO, 'docs', 'plugin-example')
const KEY = 'sk-together-0123456789abcdef'

let sb: Sandbox
let registry: Registry
let server: OpenAIServer

const isReview = (r: ChatRequest) => r.body.messages.some((m) => typeof m.content === 'string' && m.content.startsWith('You are the CTO reviewing'))
const isCto = (r: ChatRequest) => r.body.messages.some((m) => m.role === 'system' && typeof m.content === 'string' && m.content.startsWith('You are the CTO'))
const json = (v: unknown): OpenAIReply => ({content: JSON.stringify(v), usage: {prompt_tokens: 100, completion_tokens: 20}})

beforeAll(async () => {
  sb = await makeSandbox()
  registry = await startRegistry(join(sb.home, 'registry'))
  server = await startOpenAIServer({
    handler: (r) => {
      if (isReview(r)) return json({approved: true, quality: 8, feedback: 'a fair summary'})
      if (isCto(r)) return json({complexity: 'simple', type: 'research', model: 'qwen-coder', reason: 'a summary'})
      return {content: 'CRDTs trade coordination for merge rules.', usage: {prompt_tokens: 300, completion_tokens: 40}}
    },
  })
}, 60_000)
afterAll(async () => {
  await server?.close()
  await registry?.close()
  await sb?.cleanup()
})

/** npm as the plugin author runs it, against the private registry. */
async function npm(args: string[], cwd: string): Promise<string> {
  const {stdout} = await exec('npm', args, {cwd, env: {...sb.env, ...registry.env}})
  return stdout
}

/** cto as the user runs it; `cto plugins install` reaches the registry through CTO_NPM_REGISTRY, as the guide says. */
const cto = (args: string[], opts: {cwd?: string; input?: string} = {}) =>
  sb.run(args, {...opts, env: {...registry.env, CTO_NPM_REGISTRY: registry.url}, timeoutMs: 120_000})

describe('the plugin guide, step by step', () => {
  it('shows the example plugin\'s files as they are', async () => {
    const guide = await readFile(GUIDE, 'utf8')
    const blocks = [...guide.matchAll(/File `docs\/plugin-example\/([^`]+)`:\n\n```\w*\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]] as const)
    expect(blocks.map(([f]) => f).sort()).toEqual(['hooks/providers.js', 'package.json'])
    for (const [file, text] of blocks) expect(text, file).toBe(await readFile(join(EXAMPLE, file), 'utf8'))
  })

  it('takes a plugin from an empty folder to routed tasks, a registry, an install and a clean uninstall', async () => {
    // (The spec package is on npm; here the private registry gets it first.)
    const packs = join(sb.home, 'packs')
    await mkdir(packs, {recursive: true})
    const specTgz = JSON.parse(await npm(['pack', join(REPO, 'packages', 'provider-spec'), '--json', '--pack-destination', packs], packs))[0].filename as string
    await npm(['publish', join(packs, specTgz)], packs)

    // Step 1 and 2: an empty folder, package.json and the hook.
    const dir = join(sb.home, 'cto-provider-together')
    await mkdir(dir)
    await cp(EXAMPLE, dir, {recursive: true})

    // Step 3: npm install (brings @cto-cli/provider-spec).
    await npm(['install'], dir)
    expect(existsSync(join(dir, 'node_modules', '@cto-cli', 'provider-spec', 'dist', 'index.js'))).toBe(true)

    // Step 4: try it linked.
    const link = await cto(['plugins', 'link', '.', '--no-install'], {cwd: dir})
    expect(link.code, link.stderr).toBe(0)
    type List = {models: Array<{name: string; plugin: string; enabled: boolean; usable: boolean; engine: string}>; missing_models: unknown[]; broken_plugins: unknown[]}
    let list = await sb.json<List>(['models', 'list'])
    expect(list.broken_plugins).toEqual([])
    expect(list.models.filter((m) => m.plugin === 'cto-provider-together').map((m) => `${m.name}:${m.engine}:${m.enabled}`)).toEqual(['qwen-coder:openai-tools:true', 'llama-70b:text:false'])
    const listed = await cto(['models', 'list'])
    expect(listed.stderr).not.toMatch(/auto-transpile|linked ESM/)

    // Step 5: the provider's key, and (to try it locally) its endpoint.
    const key = await cto(['keys', 'set', 'together'], {input: KEY})
    expect(key.code, key.stderr).toBe(0)
    expect(key.stdout).toContain('provider together: qwen-coder, llama-70b')
    const endpoint = await cto(['config', 'set', 'providers.together.base_url', server.baseURL])
    expect(endpoint.code, endpoint.stderr).toBe(0)

    // Step 6: enable the second model and route work to the plugin's models.
    expect((await cto(['models', 'enable', 'llama-70b'])).code).toBe(0)
    const plan = await cto(['task', '--dry-run', '--explain', '--seed', '1', '--type', 'research', '--complexity', 'simple', 'summarise the trade-offs of CRDTs'])
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toMatch(/^ {2}llama-70b +\S+% .*← chosen$/m)
    expect((await cto(['config', 'set', 'cto_model', 'qwen-coder'])).code).toBe(0)
    const task = await cto(['task', '--json', '--seed', '1', 'summarise the trade-offs of CRDTs'])
    expect(task.code, task.stderr).toBe(0)
    const done = JSON.parse(task.stdout) as {status: string; classification: {source: string}; attempts: Array<{model: string; approved: boolean}>}
    expect(done).toMatchObject({status: 'completed', classification: {source: 'cto'}, attempts: [{model: 'llama-70b', approved: true}]})
    expect(server.requests.map((r) => r.body.model)).toEqual(['Qwen/Qwen2.5-Coder-32B-Instruct', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'Qwen/Qwen2.5-Coder-32B-Instruct'])
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true)
    const perf = await cto(['perf'])
    expect(perf.code, perf.stderr).toBe(0)
    expect(perf.stdout).toMatch(/^llama-70b\s+1\s+1\s+100%/m)

    // Step 7: publish.
    await npm(['publish'], dir)

    // Step 8: users install it from the registry (the link goes first).
    expect((await cto(['plugins', 'unlink', 'cto-provider-together'])).code).toBe(0)
    const install = await cto(['plugins', 'install', 'cto-provider-together'])
    expect(install.code, install.stderr).toBe(0)
    list = await sb.json<List>(['models', 'list'])
    expect(list.models.filter((m) => m.plugin === 'cto-provider-together').map((m) => `${m.name}:${m.usable}`)).toEqual(['qwen-coder:true', 'llama-70b:true'])
    const data = join(sb.dataHome, 'cto')
    expect(existsSync(join(data, 'node_modules', 'cto-provider-together', 'hooks', 'providers.js'))).toBe(true)
    expect(existsSync(join(data, 'node_modules', '@cto-cli', 'provider-spec'))).toBe(true)
    const again = await cto(['task', '--dry-run', '--explain', '--seed', '1', '--type', 'research', '--complexity', 'simple', 'summarise the trade-offs of CRDTs'])
    expect(again.stdout).toMatch(/^ {2}llama-70b +\S+% .*← chosen$/m)

    // Step 9: uninstall, and leave nothing behind.
    const uninstall = await cto(['plugins', 'uninstall', 'cto-provider-together'])
    expect(uninstall.code, uninstall.stderr).toBe(0)
    list = await sb.json<List>(['models', 'list'])
    expect(list.models.some((m) => m.plugin === 'cto-provider-together')).toBe(false)
    // The config still names llama-70b (enabled in step 6) and the CTO: the guide's clean-up removes them.
    expect(list.missing_models).toEqual([expect.objectContaining({name: 'llama-70b', status: 'plugin missing'})])
    for (const k of ['worker_models.external.llama-70b', 'cto_model', 'providers.together']) expect((await cto(['config', 'unset', k])).code, k).toBe(0)
    await rm(join(sb.home, 'agents', 'together'), {recursive: true})

    list = await sb.json<List>(['models', 'list'])
    expect(list.missing_models).toEqual([])
    expect(JSON.parse(await readFile(sb.userConfigFile, 'utf8'))).toEqual({})
    const pjson = JSON.parse(await readFile(join(data, 'package.json'), 'utf8')) as {dependencies?: object; oclif: {plugins: unknown[]}}
    expect(pjson.dependencies ?? {}).toEqual({})
    expect(pjson.oclif.plugins).toEqual([])
    const left = await readdir(join(data, 'node_modules'), {recursive: true})
    expect(left.filter((n) => !n.startsWith('.'))).toEqual([])
    expect(await readdir(join(sb.home, 'agents')).catch(() => [])).toEqual([])
  })
})
