import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {chmod, mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

const KEY = 'sk-live-abcdefghijklmnopqrstuvwxyz0123456789'

describe('cto keys', () => {
  it('stores a key from stdin in ~/agents/<model>/config.json with mode 0600 and never prints it', async () => {
    const r = await sb.run(['keys', 'set', 'deepseek'], {input: `${KEY}\n`})
    expect(r.code).toBe(0)
    const file = join(sb.home, 'agents', 'deepseek', 'config.json')
    expect(r.stdout).toContain(file)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({provider: 'openai', api_key: KEY})

    const list = await sb.run(['keys', 'list'])
    expect(list.stdout).toMatch(/deepseek\s+sk-…6789/)
    const json = await sb.json<{keys: Array<{model: string; has_key: boolean; source: string; masked: string}>}>(['keys', 'list'])
    expect(json.keys.find((k) => k.model === 'deepseek')).toMatchObject({has_key: true, source: file, masked: 'sk-…6789'})
    const models = await sb.run(['models', 'list', '--json'])
    const status = await sb.run(['status', '--verbose'])
    for (const out of [r, list, models, status]) expect(out.stdout + out.stderr).not.toContain(KEY.slice(8, 30))
  })

  it('keeps the other fields of an existing agent config', async () => {
    const dir = join(sb.home, 'agents', 'kimi')
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'config.json'), JSON.stringify({provider: 'openai', api_key: 'old', api_url: 'https://example.test/v1/chat/completions', model_id: 'moonshot-v1-8k', max_tokens: 4096}))
    const r = await sb.run(['keys', 'set', 'kimi'], {input: KEY})
    expect(r.code).toBe(0)
    const data = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))
    expect(data).toEqual({provider: 'openai', api_key: KEY, api_url: 'https://example.test/v1/chat/completions', model_id: 'moonshot-v1-8k', max_tokens: 4096})
    // The agent config's endpoint is used: full chat-completions URL accepted, base URL derived.
    const show = await sb.json<{base_url: string; model_id: string; key: string}>(['models', 'show', 'kimi'])
    expect(show).toMatchObject({base_url: 'https://example.test/v1', model_id: 'moonshot-v1-8k', key: 'yes'})
  })

  it('refuses an empty key and an unparsable key file, changing nothing', async () => {
    const empty = await sb.run(['keys', 'set', 'glm'], {input: '\n'})
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain('No key given')
    const dir = join(sb.home, 'agents', 'glm')
    await mkdir(dir, {recursive: true})
    await writeFile(join(dir, 'config.json'), '{"api_key": "kept-as-is",')
    const r = await sb.run(['keys', 'set', 'glm'], {input: KEY})
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('left untouched')
    expect(r.stderr).not.toContain('kept-as-is')
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe('{"api_key": "kept-as-is",')
  })

  it('warns about a key file readable by others, naming the chmod fix', async () => {
    const dir = join(sb.home, 'agents', 'minimax')
    await mkdir(dir, {recursive: true})
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify({api_key: KEY}))
    await chmod(file, 0o644)
    const r = await sb.run(['keys', 'list'])
    expect(r.stderr).toContain(`chmod 600 ${file}`)
    expect(r.stdout + r.stderr).not.toContain(KEY)
  })

  it('environment variables take precedence over the agent config', async () => {
    await sb.run(['keys', 'set', 'deepseek'], {input: KEY})
    const j = await sb.json<{keys: Array<{model: string; source: string}>}>(['keys', 'list'], {env: {DEEPSEEK_API_KEY: 'sk-from-env-000000000000'}})
    expect(j.keys.find((k) => k.model === 'deepseek')?.source).toBe('env DEEPSEEK_API_KEY')
  })
})

describe('cto status', () => {
  it('shows the CTO model and its source, strategy, models by engine, plugins, files and data dir', async () => {
    const s = await sb.json<{
      cto_model: {name: string; source: string; usable: boolean; alternative: string | null}
      strategy: string
      models_by_engine: Record<string, Array<{name: string; key: boolean}>>
      plugins: Array<{name: string}>
      broken_plugins: unknown[]
      data_dir: string
    }>(['status'], {env: {CTO_MODEL: 'kimi', MOONSHOT_API_KEY: KEY}})
    expect(s.cto_model).toEqual({name: 'kimi', source: 'CTO_MODEL', usable: true, alternative: null})
    expect(s.strategy).toBe('cost_aware')
    expect(s.models_by_engine['claude-cli'].map((m) => m.name)).toEqual(['haiku', 'sonnet', 'opus'])
    expect(s.models_by_engine.text).toContainEqual({name: 'kimi', key: true, usable: true})
    expect(s.plugins.map((p) => p.name)).toContain('@cto-cli/provider-ollama')
    expect(s.broken_plugins).toEqual([])
    expect(s.data_dir).toBe(join(sb.dataHome, 'cto'))
    const human = await sb.run(['status'])
    expect(human.stdout).toMatch(/CTO model\s+deepseek \(from default\) — not usable yet: no key/)
  })

  it('lists local Ollama models the user configured', async () => {
    await sb.writeUserConfig({providers: {ollama: {models: ['qwen2.5-coder:7b', {name: 'llama', model_id: 'llama3.1:8b', tools: false}]}}})
    const {models} = await sb.json<{models: Array<{name: string; engine: string; key: string; usable: boolean; base_url: string}>}>(['models', 'list'])
    expect(models.find((m) => m.name === 'qwen2.5-coder:7b')).toMatchObject({engine: 'openai-tools', key: 'not needed', usable: true, base_url: 'http://localhost:11434/v1'})
    expect(models.find((m) => m.name === 'llama')).toMatchObject({engine: 'text'})
  })
})
