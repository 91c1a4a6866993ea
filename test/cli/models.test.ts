import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {readFile} from 'node:fs/promises'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

interface ModelView {
  name: string
  plugin: string
  engine: string
  enabled: boolean
  key: string
  tools: boolean
  price_per_mtok: {input: number; output: number}
  usable: boolean
}

let sb: Sandbox
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})
const userFile = () => sb.userConfigFile

describe('cto models', () => {
  it('lists the first-party models with engine, key presence, tools and price', async () => {
    const {models} = await sb.json<{models: ModelView[]}>(['models', 'list'])
    const byName = Object.fromEntries(models.map((m) => [m.name, m]))
    expect(Object.keys(byName).sort()).toEqual(['deepseek', 'gemini', 'glm', 'gpt-4', 'haiku', 'kimi', 'minimax', 'opus', 'sonnet'])
    expect(byName.haiku).toMatchObject({engine: 'claude-cli', plugin: '@cto-cli/provider-claude', key: 'not needed'})
    expect(byName.deepseek).toMatchObject({engine: 'openai-tools', tools: true, key: 'no', usable: false})
    expect(byName.kimi).toMatchObject({engine: 'text', tools: false})
    expect(byName.gemini.enabled).toBe(false)
    expect(byName.deepseek.price_per_mtok.input).toBeGreaterThan(0)

    const human = await sb.run(['models', 'list'])
    expect(human.code).toBe(0)
    expect(human.stdout.split('\n')[0]).toMatch(/^MODEL\s+PLUGIN\s+ENGINE\s+ENABLED\s+KEY\s+TOOLS\s+USABLE\s+PRICE/)
    expect(human.stdout).toMatch(/deepseek\s+provider-deepseek\s+openai-tools\s+yes\s+no\s+yes\s+no/)
  })

  it('shows a key as present without printing it', async () => {
    const key = 'sk-test-0123456789abcdefSECRET'
    const r = await sb.run(['models', 'list', '--json'], {env: {DEEPSEEK_API_KEY: key}})
    expect(JSON.parse(r.stdout).models.find((m: ModelView) => m.name === 'deepseek')).toMatchObject({key: 'yes', usable: true})
    const show = await sb.run(['models', 'show', 'deepseek'], {env: {DEEPSEEK_API_KEY: key}})
    expect(show.stdout).toContain('env DEEPSEEK_API_KEY')
    expect(show.stdout + show.stderr + r.stdout + r.stderr).not.toContain('SECRET')
  })

  it('shows one model, also by a legacy name', async () => {
    const show = await sb.json<{name: string; model_id: string; fallback_chain: string[]}>(['models', 'show', 'deepseek-chat'])
    expect(show).toMatchObject({name: 'deepseek', model_id: 'deepseek-chat', fallback_chain: ['sonnet', 'opus']})
  })

  it('enables and disables one field, keeping the rest of the file as it was', async () => {
    const original = '{\n    "cto_model": "glm",\n    "custom_note": "kept",\n    "worker_models": {"external": {"gemini": {"enabled": false, "description": "mine"}}}\n}\n'
    await sb.writeUserConfig(original)
    const r = await sb.run(['models', 'enable', 'gemini'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('gemini enabled')
    const after = await readFile(userFile(), 'utf8')
    expect(after).toBe(original.replace('"enabled": false', '"enabled": true'))
    const list = await sb.json<{models: ModelView[]}>(['models', 'list'])
    expect(list.models.find((m) => m.name === 'gemini')?.enabled).toBe(true)

    const d = await sb.json<{model: string; enabled: boolean; changed: boolean}>(['models', 'disable', 'kimi'])
    expect(d).toMatchObject({model: 'kimi', enabled: false, changed: true})
    const parsed = JSON.parse(await readFile(userFile(), 'utf8'))
    expect(parsed.worker_models.external.kimi).toEqual({enabled: false})
    expect(parsed.custom_note).toBe('kept')
  })

  it('creates the user config when it is missing', async () => {
    const r = await sb.run(['models', 'disable', 'opus'])
    expect(r.code).toBe(0)
    expect(JSON.parse(await readFile(userFile(), 'utf8'))).toEqual({worker_models: {claude: {opus: {enabled: false}}}})
  })

  it('says "did you mean" for an unknown name and touches nothing (a usage error: 64)', async () => {
    const r = await sb.run(['models', 'enable', 'deepsek'])
    expect(r.code).toBe(64)
    expect(r.stderr).toContain('Unknown model "deepsek". Did you mean "deepseek"?')
    await expect(readFile(userFile(), 'utf8')).rejects.toThrow()
    const j = await sb.run(['models', 'show', 'nope', '--json'])
    expect(j.code).toBe(64)
    expect(JSON.parse(j.stdout).error.code).toBe('NO_SUCH_MODEL')
  })

  it('has help with examples', async () => {
    const r = await sb.run(['models', 'enable', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('EXAMPLES')
    expect(r.stdout).toContain('$ cto models enable kimi')
  })
})
