/**
 * Keys and endpoints per provider, with per-model overrides (issue 15), through the CLI (in-process):
 * `cto keys set <provider>` keys all its models; a model's own key wins over its provider's;
 * `providers.<provider>.base_url` points every model of a provider; `provider_endpoints.<model>`
 * still wins; the error for a model without an endpoint names settings `cto config set` takes,
 * and running the one it names makes the model work (against the OpenAI-compatible test server).
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {writePlugin} from '../support/plugin-package.js'

let sb: Sandbox
let server: OpenAIServer | undefined
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

type Keys = {keys: Array<{model: string; has_key: boolean; source: string | null; masked: string | null}>}
const PROVIDER_KEY = 'sk-provider-claude-0123456789'
const HAIKU_KEY = 'sk-haiku-only-abcdefghijklmn'
const DEEPSEEK_KEY = 'sk-deepseek-0123456789abcdef'

describe('keys per provider', () => {
  it('cto keys set <provider> keys every model of it; a model\'s own key comes first', async () => {
    const set = await sb.run(['keys', 'set', 'claude', '--json'], {input: PROVIDER_KEY})
    expect(set.code, set.stderr).toBe(0)
    const providerFile = join(sb.home, 'agents', 'claude', 'config.json')
    expect(JSON.parse(set.stdout)).toMatchObject({scope: 'provider', name: 'claude', models: ['haiku', 'sonnet', 'opus'], path: providerFile, created: true, shadowed: []})
    expect(set.stdout + set.stderr).not.toContain(PROVIDER_KEY)
    expect((await stat(providerFile)).mode & 0o777).toBe(0o600)

    let keys = await sb.json<Keys>(['keys', 'list'])
    const by = (k: Keys) => Object.fromEntries(k.keys.map((x) => [x.model, x]))
    for (const m of ['haiku', 'sonnet', 'opus']) expect(by(keys)[m]).toMatchObject({has_key: true, source: `${providerFile} (provider claude)`, masked: 'sk-…6789'})
    expect(by(keys).deepseek.has_key).toBe(false)

    const own = await sb.run(['keys', 'set', 'haiku'], {input: HAIKU_KEY})
    expect(own.code, own.stderr).toBe(0)
    keys = await sb.json<Keys>(['keys', 'list'])
    expect(by(keys).haiku).toMatchObject({source: join(sb.home, 'agents', 'haiku', 'config.json'), masked: 'sk-…klmn'})
    expect(by(keys).sonnet.source).toBe(`${providerFile} (provider claude)`)

    // Setting the provider's key again says which model won't use it.
    const again = await sb.run(['keys', 'set', 'claude'], {input: PROVIDER_KEY})
    expect(again.stdout).toContain(`Note: haiku uses its own key in ${join(sb.home, 'agents', 'haiku', 'config.json')}, which takes precedence over this key.`)
  })

  it('cto keys set deepseek writes the file the original system used, and names an environment variable that wins', async () => {
    const r = await sb.run(['keys', 'set', 'deepseek', '--json'], {input: DEEPSEEK_KEY, env: {DEEPSEEK_API_KEY: 'sk-from-env-0123456789abcd'}})
    expect(r.code, r.stderr).toBe(0)
    const file = join(sb.home, 'agents', 'deepseek', 'config.json')
    expect(JSON.parse(r.stdout)).toMatchObject({scope: 'provider', name: 'deepseek', path: file, shadowed: [{model: 'deepseek', by: 'DEEPSEEK_API_KEY'}], shadowed_by: 'DEEPSEEK_API_KEY'})
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({provider: 'openai', api_key: DEEPSEEK_KEY})
  })
})

describe('endpoints per provider', () => {
  it('providers.<provider>.base_url points all its models; provider_endpoints.<model>.api_url still wins', async () => {
    const set = await sb.run(['config', 'set', 'providers.claude.base_url', 'http://127.0.0.1:8787'])
    expect(set.code, set.stderr).toBe(0)
    await sb.run(['config', 'set', 'provider_endpoints.opus.api_url', 'http://127.0.0.1:9999'])
    const show = async (m: string) => (await sb.json<{base_url: string | null}>(['models', 'show', m])).base_url
    expect(await show('haiku')).toBe('http://127.0.0.1:8787')
    expect(await show('sonnet')).toBe('http://127.0.0.1:8787')
    expect(await show('opus')).toBe('http://127.0.0.1:9999')
    expect(await show('deepseek')).toBe('https://api.deepseek.com/v1')
  })

  it('a model without an endpoint names settings cto config set takes; the one it names makes the model answer', async () => {
    const plugin = await writePlugin(
      join(sb.home, 'nourl'),
      'cto-provider-nourl',
      // A v2 definition by hand, with no base URL anywhere.
      `export default async function () { return {specificationVersion: 'v2', name: 'nourl', keyEnvVar: 'NOURL_API_KEY', models: [{name: 'nourl-chat', provider: 'nourl', engine: 'text', group: 'external', modelId: 'nourl-1', needsKey: true, supportsTools: false, contextWindow: 8192, pricing: {inputPerMTok: 1, outputPerMTok: 1}, goodFor: [], description: 'no endpoint', enabledByDefault: true}]} }\n`,
    )
    const data = join(sb.dataHome, 'cto')
    await mkdir(data, {recursive: true})
    await writeFile(join(data, 'package.json'), JSON.stringify({name: 'cto-cli', private: true, oclif: {schema: 1, plugins: [{name: plugin.name, type: 'link', root: plugin.dir}]}}))
    const env = {NOURL_API_KEY: 'sk-nourl-0123456789abcdef'}

    const fail = await sb.run(['run', '-m', 'nourl-chat', 'say hi'], {env})
    expect(fail.code).toBe(1)
    const named = /cto config set (providers\.nourl\.base_url) <url>/.exec(fail.stderr)
    expect(named, fail.stderr).not.toBeNull()
    expect(fail.stderr).toContain('cto config set provider_endpoints.nourl-chat.api_url <url>')

    server = await startOpenAIServer({script: [{content: 'hi from the test server', usage: {prompt_tokens: 5, completion_tokens: 4}}]})
    const fix = await sb.run(['config', 'set', named?.[1] as string, server.baseURL])
    expect(fix.code, fix.stderr).toBe(0)
    const ok = await sb.run(['run', '-m', 'nourl-chat', 'say hi'], {env})
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('hi from the test server')
    expect(server.requests[0]?.body.model).toBe('nourl-1')
  })
})
