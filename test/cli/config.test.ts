import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {mkdir, readFile, writeFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {REPO, type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

interface Shown {
  config: {cto_model: string; models: Record<string, {enabled: boolean; known: boolean}>; fallback_chain: Record<string, string[]>; cost_optimization: {enabled: boolean; token_budget_per_day: {claude: number; external: number}}}
  sources: Record<string, string>
  files: string[]
  notices: string[]
  warnings: string[]
}

let sb: Sandbox
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

const userFile = () => sb.userConfigFile
const writeUser = (data: unknown) => sb.writeUserConfig(data)

describe('configuration', () => {
  it('uses the documented defaults when there is no config at all', async () => {
    const shown = await sb.json<Shown>(['config', 'show'])
    expect(shown.config.cto_model).toBe('deepseek')
    expect(shown.sources.cto_model).toBe('default')
    expect(shown.files).toEqual([])
    const enabled = Object.entries(shown.config.models).filter(([, m]) => m.enabled).map(([n]) => n).sort()
    expect(enabled).toEqual(['deepseek', 'glm', 'gpt-4', 'haiku', 'kimi', 'minimax', 'opus', 'sonnet'])
    expect(shown.config.models.gemini.enabled).toBe(false)
    expect(shown.config.fallback_chain).toMatchObject({haiku: ['sonnet', 'opus'], sonnet: ['opus'], deepseek: ['sonnet', 'opus'], kimi: ['sonnet', 'opus']})
    expect(shown.config.cost_optimization).toMatchObject({enabled: true, token_budget_per_day: {claude: 100_000, external: 1_000_000}})
  })

  it('config validate of a file that is not there: a usage error (64) naming the path', async () => {
    const r = await sb.run(['config', 'validate', join(sb.home, 'no-such-config.json')])
    expect(r.code).toBe(64)
    expect(r.stderr).toContain(`No such file: ${join(sb.home, 'no-such-config.json')}`)
  })

  it("loads the original system's orchestrator_config.json unchanged", async () => {
    const fixture = join(REPO, 'test', 'fixtures', 'orchestrator_config.json')
    const v = await sb.run(['config', 'validate', fixture])
    expect(v.code).toBe(0)
    expect(v.stdout).toContain('ok')
    const shown = await sb.json<Shown>(['config', 'show'], {env: {ORCHESTRATOR_CONFIG: fixture}})
    expect(shown.files).toEqual([fixture])
    expect(shown.config.models.gemini.enabled).toBe(false)
    expect(shown.config.fallback_chain.deepseek).toEqual(['sonnet', 'opus'])
    expect(shown.sources['fallback_chain.deepseek']).toBe(fixture)
    expect(shown.sources['worker_models.external.kimi.enabled']).toBe(fixture)
    // The plain listing reads a file-shaped key's value from where the merged config keeps it (models.kimi.enabled).
    const plain = await sb.run(['config', 'show'], {env: {ORCHESTRATOR_CONFIG: fixture}})
    expect(plain.stdout).toMatch(/^worker_models\.external\.kimi\.enabled = true +# /m)
    expect(plain.stdout).toMatch(/^worker_models\.external\.gemini\.enabled = false +# /m)
  })

  it('merges layers lowest first: user → project → ORCHESTRATOR_CONFIG → CTO_MODEL', async () => {
    await writeUser({cto_model: 'kimi', cost_optimization: {token_budget_per_day: {claude: 5}}})
    const project = join(sb.home, 'work', 'app')
    await mkdir(join(project, 'src'), {recursive: true})
    await writeFile(join(project, '.ctorc.yaml'), 'cto_model: glm\nmodel_selection_strategy: cto_choice\n')
    const envFile = join(sb.home, 'env.json')
    await writeFile(envFile, JSON.stringify({cto_model: 'minimax'}))

    let shown = await sb.json<Shown>(['config', 'show'], {cwd: join(project, 'src')})
    expect(shown.config.cto_model).toBe('glm')
    expect(shown.sources.cto_model).toBe(join(project, '.ctorc.yaml'))
    expect(shown.sources['cost_optimization.token_budget_per_day.claude']).toBe(userFile())
    expect(shown.config.cost_optimization.token_budget_per_day).toEqual({claude: 5, external: 1_000_000})

    shown = await sb.json<Shown>(['config', 'show'], {cwd: join(project, 'src'), env: {CTO_CONFIG: envFile}})
    expect(shown.config.cto_model).toBe('minimax')

    shown = await sb.json<Shown>(['config', 'show'], {cwd: join(project, 'src'), env: {CTO_CONFIG: envFile, CTO_MODEL: 'opus', MODEL_PROVIDER: 'deepseek'}})
    expect(shown.config.cto_model).toBe('opus')
    expect(shown.sources.cto_model).toBe('CTO_MODEL')
  })

  it('reads package.json#cto as project config and MODEL_PROVIDER when CTO_MODEL is unset', async () => {
    const project = join(sb.home, 'proj')
    await mkdir(project)
    await writeFile(join(project, 'package.json'), JSON.stringify({name: 'x', cto: {worker_models: {external: {minimax: {enabled: false}}}}}))
    const shown = await sb.json<Shown>(['config', 'show'], {cwd: project, env: {MODEL_PROVIDER: 'claude'}})
    expect(shown.config.models.minimax.enabled).toBe(false)
    expect(shown.config.cto_model).toBe('sonnet')
    expect(shown.sources.cto_model).toBe('MODEL_PROVIDER')
  })

  it('maps legacy model names and reports them', async () => {
    await writeUser({cto_model: 'deepseek-chat', worker_models: {external: {moonshot: {enabled: false}}}, fallback_chain: {'claude-3-haiku': ['claude-sonnet', 'opus']}})
    const shown = await sb.json<Shown>(['config', 'show'])
    expect(shown.config.cto_model).toBe('deepseek')
    expect(shown.config.models.kimi.enabled).toBe(false)
    expect(shown.config.fallback_chain.haiku).toEqual(['sonnet', 'opus'])
    expect(shown.notices.join('\n')).toMatch(/"moonshot" read as "kimi"/)
    const v = await sb.run(['config', 'validate'])
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/legacy model name "deepseek-chat" is read as "deepseek"/)
  })

  it('keeps a model no plugin provides in the config, but as "plugin missing": never a model, with a warning', async () => {
    await writeUser({worker_models: {external: {mistral: {has_tools: true}}}})
    const shown = await sb.json<Shown>(['config', 'show'])
    expect(shown.config.models.mistral).toMatchObject({enabled: true, known: false})
    const v = await sb.run(['config', 'validate'])
    expect(v.code).toBe(0)
    expect(v.stdout).toMatch(/mistral.*no installed plugin/)
    const list = await sb.json<{models: Array<{name: string}>; missing_models: Array<{name: string; status: string; source: string}>}>(['models', 'list'])
    expect(list.models.some((m) => m.name === 'mistral')).toBe(false)
    expect(list.missing_models).toEqual([{name: 'mistral', group: 'external', enabled: true, status: 'plugin missing', source: sb.userConfigFile}])
    const text = await sb.run(['models', 'list'])
    expect(text.stdout).toMatch(/^mistral\s+plugin missing\s+-\s+yes\s+-\s+-\s+no\s+unknown$/m)
  })

  it('a missing model with a dot in its name (an Ollama model): its source is named, and the fix the warning gives removes it', async () => {
    await writeUser({cto_model: 'deepseek', worker_models: {external: {'llama3.1:8b': {enabled: true}}}})
    const shown = await sb.json<Shown>(['config', 'show'])
    const warning = shown.warnings.find((w) => w.includes('llama3.1:8b'))
    expect(warning).toContain(`(${userFile()})`)
    const fix = /cto config unset '([^']+)'$/.exec(warning ?? '')
    expect(fix?.[1], warning).toBe('worker_models.external["llama3.1:8b"]')
    const list = await sb.json<{missing_models: Array<{name: string; source: string | null}>}>(['models', 'list'])
    expect(list.missing_models).toEqual([{name: 'llama3.1:8b', group: 'external', enabled: true, status: 'plugin missing', source: userFile()}])
    const unset = await sb.run(['config', 'unset', fix?.[1] ?? ''])
    expect(unset.code, unset.stderr).toBe(0)
    expect(JSON.parse(await readFile(userFile(), 'utf8'))).toEqual({cto_model: 'deepseek'})
    expect((await sb.json<Shown>(['config', 'show'])).warnings.filter((w) => w.includes('llama3.1:8b'))).toEqual([])
  })

  it('names a user config written under another name, which cto does not read: validate fails, status says so', async () => {
    const dir = join(userFile(), '..')
    await mkdir(dir, {recursive: true})
    const yaml = join(dir, 'config.yaml')
    await writeFile(yaml, 'cto_model: kimi\n')
    const shown = await sb.json<Shown>(['config', 'show'])
    expect(shown.config.cto_model).toBe('deepseek')
    const v = await sb.run(['config', 'validate'])
    expect(v.code).toBe(1)
    expect(v.stdout).toContain(`${yaml}: cto does not read this file: the user config is ${userFile()}`)
    const s = await sb.json<{unread_config_files: string[]}>(['status'])
    expect(s.unread_config_files).toEqual([yaml])
    expect((await sb.run(['status'])).stdout).toMatch(/^Not read\s+.*config\.yaml: the user config is .*config\.json/m)
    // With a config.json too, the stray file is a warning and the check passes.
    await writeUser({cto_model: 'kimi'})
    const ok = await sb.run(['config', 'validate'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/warning: cto does not read this file/)
    expect(await readFile(yaml, 'utf8')).toBe('cto_model: kimi\n')
  })

  it('lists every schema problem with its path and line:column, exit 1', async () => {
    const file = join(sb.home, 'bad.json')
    await writeFile(file, '{\n  "worker_models": {"external": {"kimi": {"enabled": "yes"}}},\n  "cost_optimization": {"token_budget_per_day": {"claude": -1}},\n  "fallback_chain": {"haiku": "sonnet"}\n}\n')
    const r = await sb.run(['config', 'validate', file])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`${file}:2:43 worker_models.external.kimi.enabled`)
    expect(r.stdout).toContain('cost_optimization.token_budget_per_day.claude')
    expect(r.stdout).toContain('fallback_chain.haiku')
    const json = await sb.run(['config', 'validate', file, '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout).files[0].problems).toHaveLength(3)
  })

  it('lists problems in the order of the file, by line then column', async () => {
    // zod reports cto_model (first in the schema) before engines; the file has them the other way round.
    await writeUser('{\n  "engines": {"max_retries": 99, "max_turns": "five"},\n  "cto_model": 5\n}\n')
    const r = await sb.run(['config', 'validate'])
    expect(r.code).toBe(1)
    const lines = r.stdout.split('\n').filter((l) => l.startsWith(`  ${userFile()}:`))
    expect(lines.map((l) => l.slice(userFile().length + 2).split(' ')[0])).toEqual([':2:15', ':2:34', ':3:3'])
    const json = await sb.run(['config', 'validate', '--json'])
    expect((JSON.parse(json.stdout) as {files: Array<{problems: Array<{path: string}>}>}).files[0].problems.map((p) => p.path)).toEqual(['engines.max_retries', 'engines.max_turns', 'cto_model'])
    // An error naming the file (any command that reads it) lists them in the same order.
    const status = await sb.run(['status'])
    expect(status.code).toBe(1)
    expect(status.stderr.indexOf(':2:15 engines.max_retries')).toBeLessThan(status.stderr.indexOf(':3:3 cto_model'))
    expect(status.stderr.indexOf(':2:15 engines.max_retries')).toBeGreaterThan(-1)
  })

  it('reports a syntax error with file and line:column and writes nothing', async () => {
    const broken = '{\n  "cto_model": "kimi",\n  "worker_models": {,\n}\n'
    await writeUser(broken)
    const v = await sb.run(['config', 'validate'])
    expect(v.code).toBe(1)
    expect(v.stdout).toContain(`${userFile()}:3:21`)
    const e = await sb.run(['models', 'enable', 'kimi'])
    expect(e.code).toBe(1)
    expect(e.stderr).toContain(`${userFile()}:3:21`)
    expect(await readFile(userFile(), 'utf8')).toBe(broken)
    const s = await sb.run(['status'])
    expect(s.code).toBe(1)
    expect(s.stderr).toMatch(/invalid JSON/)
  })

  it('reports a YAML syntax error with line:column', async () => {
    const file = join(sb.home, '.ctorc.yaml')
    await writeFile(file, 'cto_model: kimi\nworker_models:\n  external: [unclosed\n')
    const r = await sb.run(['config', 'validate', file])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/\.ctorc\.yaml:\d+:\d+: invalid YAML/)
  })

  it('prints the paths it uses', async () => {
    const p = await sb.json<{user: string; data_dir: string}>(['config', 'path'])
    expect(p.user).toBe(userFile())
    expect(p.data_dir).toBe(join(sb.dataHome, 'cto'))
    const custom = await sb.json<{data_dir: string}>(['config', 'path'], {env: {CTO_DATA_DIR: join(sb.home, 'd')}})
    expect(custom.data_dir).toBe(join(sb.home, 'd'))
  })

  it('says on every command that reads the config that a key it does not know is ignored: file, key, closest key, fix', async () => {
    await writeUser({cto_modle: 'kimi', engines: {max_turn: 3}})
    const get = await sb.run(['config', 'get', 'cto_model'])
    expect(get.code, get.stderr).toBe(0)
    expect(get.stdout).toBe('deepseek\n')
    expect(get.stderr.split('\n').filter((l) => l.startsWith('Warning:'))).toEqual([
      `Warning: unknown key "cto_modle" in ${userFile()} is ignored (did you mean "cto_model"?): remove it with "cto config unset cto_modle", or check the file with "cto config validate".`,
      `Warning: unknown key "engines.max_turn" in ${userFile()} is ignored (did you mean "engines.max_turns"?): remove it with "cto config unset engines.max_turn", or check the file with "cto config validate".`,
    ])
    // Once per run, though `config set` reads the config twice; under --json stdout stays one document.
    const set = await sb.run(['config', 'set', 'engines.max_retries', '2', '--json'])
    expect(set.code, set.stderr).toBe(0)
    expect(JSON.parse(set.stdout)).toMatchObject({key: 'engines.max_retries', value: 2})
    expect(set.stderr.match(/unknown key "cto_modle"/g)).toHaveLength(1)
    const list = await sb.run(['models', 'list', '--json'])
    expect(JSON.parse(list.stdout)).toBeTruthy()
    expect(list.stderr).toContain('unknown key "cto_modle"')
    // validate says it too, with the closest key.
    const v = await sb.run(['config', 'validate'])
    expect(v.stdout).toContain('warning: cto_modle: unknown key; cto ignores it. Did you mean "cto_model"?')
    expect(v.stdout).toContain('warning: engines.max_turn: unknown key; cto ignores it. Did you mean "engines.max_turns"?')
  })

  it('a cto_model no plugin provides: the warning names the fix where it was set (it said only "… is a model whose plugin is missing.")', async () => {
    const warned = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Warning: cto_model'))
    await writeUser({cto_model: 'gone-model', worker_models: {external: {'gone-model': {enabled: true}}}})
    expect(warned((await sb.run(['models', 'list'])).stderr)).toEqual([
      `Warning: cto_model "gone-model" (${userFile()}) is a model whose plugin is missing: install its plugin, or choose another: "cto config set cto_model MODEL" (see "cto models list"), or "cto config unset cto_model" for the default. Until then the local heuristic classifies tasks.`,
    ])
    expect(warned((await sb.run(['models', 'list'], {env: {CTO_MODEL: 'nosuch'}})).stderr)).toEqual([
      'Warning: cto_model "nosuch" (CTO_MODEL) is no known model: unset CTO_MODEL, or set it to a model "cto models list" shows. Until then the local heuristic classifies tasks.',
    ])
    const project = join(sb.home, 'proj')
    await mkdir(project)
    await writeFile(join(project, 'cto.config.json'), '{"cto_model": "nosuch"}')
    expect(warned((await sb.run(['models', 'list'], {cwd: project})).stderr)).toEqual([
      `Warning: cto_model "nosuch" (${join(project, 'cto.config.json')}) is no known model: change cto_model in ${join(project, 'cto.config.json')} to a model "cto models list" shows. Until then the local heuristic classifies tasks.`,
    ])
  })

  it("names a project config's unknown key and its file, and no key of a clean config", async () => {
    const project = join(sb.home, 'proj')
    await mkdir(project)
    await writeFile(join(project, '.ctorc.json'), '{"modle_selection_strategy": "cto_choice", "worker_models": {"external": {"kimi": {"enabeld": false}}}}')
    const r = await sb.run(['config', 'show'], {cwd: project})
    expect(r.code, r.stderr).toBe(0)
    const warned = r.stderr.split('\n').filter((l) => l.startsWith('Warning: unknown key'))
    expect(warned).toEqual([
      `Warning: unknown key "modle_selection_strategy" in ${join(project, '.ctorc.json')} is ignored (did you mean "model_selection_strategy"?): remove or rename it in that file, then check it with "cto config validate".`,
      `Warning: unknown key "worker_models.external.kimi.enabeld" in ${join(project, '.ctorc.json')} is ignored (did you mean "worker_models.external.kimi.enabled"?): remove or rename it in that file, then check it with "cto config validate".`,
    ])
    await writeUser({cto_model: 'kimi', engines: {max_turns: 3}, worker_models: {external: {kimi: {enabled: true}}}, providers: {ollama: {anything: 1}}})
    const clean = await sb.run(['config', 'get', 'cto_model'])
    expect(clean.stderr).not.toContain('unknown key')
  })

  it('takes every change on the next command (nothing cached)', async () => {
    await writeUser({cto_model: 'kimi'})
    expect((await sb.json<Shown>(['config', 'show'])).config.cto_model).toBe('kimi')
    await writeUser({cto_model: 'glm'})
    expect((await sb.json<Shown>(['config', 'show'])).config.cto_model).toBe('glm')
    await expect(stat(userFile())).resolves.toBeTruthy()
  })
})
