/**
 * `cto config get/set/unset` on the user config, and config files that are there but can't be
 * used: each is named, with its path and the fix, and nothing is overwritten.
 */
import {mkdir, readFile, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer} from '../support/openai-server.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

const COMMENTED = `{
  // cheaper CTO, see the team wiki
  "cto_model": "deepseek",

  "cost_optimization": {
    "enabled": true /* keep it on */
  }
}
`

describe('cto config set / get / unset', () => {
  it('sets a key and keeps the comments and layout of the file', async () => {
    await sb.writeUserConfig(COMMENTED)
    const r = await sb.run(['config', 'set', 'cost_optimization.token_budget_per_day.claude', '50000'])
    expect(r.code, r.stderr).toBe(0)
    const text = await readFile(sb.userConfigFile, 'utf8')
    expect(text).toContain('// cheaper CTO, see the team wiki')
    expect(text).toContain('/* keep it on */')
    expect(text).toContain('"cto_model": "deepseek",\n\n  "cost_optimization"')
    const got = await sb.json<{value: unknown; source: string}>(['config', 'get', 'cost_optimization.token_budget_per_day.claude'])
    expect(got).toMatchObject({value: 50000, source: sb.userConfigFile})
    const plain = await sb.run(['config', 'get', 'cto_model'])
    expect(plain.stdout).toBe('deepseek\n')
  })

  it('unsets a key, and the sections it leaves empty', async () => {
    await sb.writeUserConfig(COMMENTED)
    await sb.run(['config', 'set', 'engines.max_turns', '40'])
    expect(JSON.parse((await readFile(sb.userConfigFile, 'utf8')).replace(/\/\/.*|\/\*.*?\*\//g, '')).engines).toEqual({max_turns: 40})
    const r = await sb.json<{changed: boolean; value: unknown; source: string}>(['config', 'unset', 'engines.max_turns'])
    expect(r).toMatchObject({changed: true, value: 25, source: 'default'})
    const text = await readFile(sb.userConfigFile, 'utf8')
    expect(text).not.toContain('engines')
    expect(text).toContain('// cheaper CTO')
  })

  it('unsets a key cto does not know when the file holds it (the typo it warns about), keeping the rest; refuses one the file does not hold', async () => {
    const typo = `{
  // cheaper CTO, see the wiki
  "cto_model": "deepseek",
  "cto_modle": "kimi",
  "engines": {"max_turn": 3, "max_retries": 2}
}
`
    await sb.writeUserConfig(typo)
    const r = await sb.run(['config', 'unset', 'cto_modle'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`Removed cto_modle from ${sb.userConfigFile}\n`)
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(typo.replace('  "cto_modle": "kimi",\n', ''))
    // Only the other typo is left to warn about.
    expect(r.stderr).not.toContain('"cto_modle"')
    expect(r.stderr).toContain('unknown key "engines.max_turn"')
    const nested = await sb.json<{changed: boolean; key: string}>(['config', 'unset', 'engines.max_turn'])
    expect(nested).toMatchObject({changed: true, key: 'engines.max_turn'})
    const left = '{\n  // cheaper CTO, see the wiki\n  "cto_model": "deepseek",\n  "engines": {\n    "max_retries": 2\n  }\n}\n'
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(left)
    // In neither the schema nor the file: refused, with the closest known key; nothing written.
    const gone = await sb.run(['config', 'unset', 'cto_modle'])
    expect(gone.code).toBe(64)
    expect(gone.stderr).toContain('Unknown config key "cto_modle". Did you mean "cto_model"?')
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(left)
  })

  it('refuses an unknown key (did you mean), a value of the wrong type, an unknown CTO model: exit 64, file untouched', async () => {
    await sb.writeUserConfig(COMMENTED)
    const key = await sb.run(['config', 'set', 'cost_optimisation.enabled', 'false'])
    expect(key.code).toBe(64)
    expect(key.stderr).toContain('Unknown config key "cost_optimisation". Did you mean "cost_optimization"?')
    const nested = await sb.run(['config', 'set', 'cost_optimization.budget', '5', '--json'])
    expect(nested.code).toBe(64)
    expect(JSON.parse(nested.stdout).error.code).toBe('CONFIG_UNKNOWN_KEY')
    const value = await sb.run(['config', 'set', 'cost_optimization.enabled', 'maybe'])
    expect(value.code).toBe(64)
    expect(value.stderr).toContain('it must be true or false')
    const model = await sb.run(['config', 'set', 'cto_model', 'sonet'])
    expect(model.code).toBe(64)
    expect(model.stderr).toContain('Did you mean "sonnet"?')
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(COMMENTED)
  })

  it('enabling a model that has no key yet says how to give it one', async () => {
    const r = await sb.run(['models', 'enable', 'gemini'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`gemini enabled in ${sb.userConfigFile}\nIt has no key yet: "cto keys set gemini" or set GEMINI_API_KEY.\n`)
    expect(JSON.parse((await sb.run(['models', 'enable', 'gemini', '--json'])).stdout)).toMatchObject({changed: false, key_missing: true})
    const withKey = await sb.run(['models', 'enable', 'gemini', '--json'], {env: {GEMINI_API_KEY: 'sk-test-not-a-real-key'}})
    const parsed = JSON.parse(withKey.stdout) as {key_missing?: boolean; message: string}
    expect(parsed.key_missing).toBeUndefined()
    expect(parsed.message).not.toMatch(/no key/)
    expect(withKey.stdout).not.toContain('sk-test-not-a-real-key')
    // Disabling never asks for a key.
    expect((await sb.run(['models', 'disable', 'gemini'])).stdout).toBe(`gemini disabled in ${sb.userConfigFile}\n`)
  })

  it('never overwrites a file that does not parse', async () => {
    const broken = '{\n  "cto_model": "kimi",,\n}\n'
    await sb.writeUserConfig(broken)
    const r = await sb.run(['config', 'set', 'cto_model', 'glm'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${sb.userConfigFile}:2:`)
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(broken)
    const u = await sb.run(['config', 'unset', 'cto_model'])
    expect(u.code).toBe(1)
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(broken)
  })

  it('a set that repairs an invalid value is written; one that leaves the file invalid is refused, file untouched', async () => {
    const invalid = '{\n  // team defaults\n  "cto_model": "kimi",\n  "engines": {\n    "max_turns": "five"\n  }\n}\n'
    await sb.writeUserConfig(invalid)
    // Another key: the file would stay invalid. The problem that stays is named, with its line.
    const other = await sb.run(['config', 'set', 'cto_model', 'glm'])
    expect(other.code).toBe(1)
    expect(other.stderr).toContain(`${sb.userConfigFile}:5:5 engines.max_turns: Invalid input: expected number, received string`)
    expect(other.stderr).toContain('Nothing was written')
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(invalid)
    // A value that still doesn't fit: refused as a bad value.
    const bad = await sb.run(['config', 'set', 'engines.max_turns', 'six'])
    expect(bad.code).toBe(64)
    expect(bad.stderr).toContain('Cannot set engines.max_turns to six')
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(invalid)
    // The repair.
    const fix = await sb.run(['config', 'set', 'engines.max_turns', '5'])
    expect(fix.code, fix.stderr).toBe(0)
    expect(fix.stdout).toBe(`Set engines.max_turns = 5 in ${sb.userConfigFile}\n`)
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(invalid.replace('"five"', '5'))
    expect((await sb.run(['config', 'validate'])).code).toBe(0)
    expect(await sb.json(['config', 'get', 'engines.max_turns'])).toMatchObject({value: 5, source: sb.userConfigFile})
    // A file that does not parse is never written, even by a set that would fix its values.
    const broken = '{"engines": {"max_turns": "five"},}\n'
    await sb.writeUserConfig(broken)
    const r = await sb.run(['config', 'set', 'engines.max_turns', '5'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('invalid JSON')
    expect(await readFile(sb.userConfigFile, 'utf8')).toBe(broken)
  })

  it('a model name with dots (every Ollama model) works in get, show and unset, each printing the bracket form set takes', async () => {
    const key = 'provider_endpoints["qwen2.5-coder:7b"].api_url'
    const url = 'http://127.0.0.1:11434/v1'
    const set = await sb.run(['config', 'set', key, url])
    expect(set.code, set.stderr).toBe(0)
    // get: the value, not "is not set"; a section holding it shows it under the model's whole name.
    const got = await sb.run(['config', 'get', key])
    expect(got.code, got.stderr).toBe(0)
    expect(got.stdout).toBe(`${url}\n`)
    expect(await sb.json(['config', 'get', key])).toEqual({key, value: url, source: sb.userConfigFile})
    expect(await sb.json(['config', 'get', 'provider_endpoints'])).toEqual({
      key: 'provider_endpoints',
      value: {'qwen2.5-coder:7b': {api_url: url}},
      source: {'["qwen2.5-coder:7b"].api_url': sb.userConfigFile},
    })
    // show: the key as set takes it, with its value (it printed provider_endpoints.qwen2.5-coder:7b.api_url = undefined).
    const shown = await sb.json<{sources: Record<string, string>}>(['config', 'show'])
    expect(Object.entries(shown.sources).filter(([k]) => k.includes('qwen'))).toEqual([[key, sb.userConfigFile]])
    const human = await sb.run(['config', 'show'])
    expect(human.code, human.stderr).toBe(0)
    const line = human.stdout.split('\n').find((l) => l.includes('qwen'))
    expect(line).toMatch(/^provider_endpoints\["qwen2\.5-coder:7b"\]\.api_url = "http:\/\/127\.0\.0\.1:11434\/v1"\s+# /)
    expect(line).toContain(sb.userConfigFile)
    // unset, with a layer above that sets it too: what cto uses now is that layer's value.
    const team = join(sb.home, 'team.json')
    await writeFile(team, JSON.stringify({provider_endpoints: {'qwen2.5-coder:7b': {api_url: 'http://gpu-box:11434/v1'}}}))
    const unset = await sb.json(['config', 'unset', key], {env: {ORCHESTRATOR_CONFIG: team}})
    expect(unset).toEqual({key, file: sb.userConfigFile, changed: true, value: 'http://gpu-box:11434/v1', source: team})
    expect(JSON.parse(await readFile(sb.userConfigFile, 'utf8'))).toEqual({})
    // Unset everywhere: the fix get names is the key quoted for a shell.
    const gone = await sb.run(['config', 'get', key, '--json'])
    expect(gone.code).toBe(1)
    expect(JSON.parse(gone.stdout).error).toMatchObject({code: 'CONFIG_KEY_UNSET', actions: [`cto config set '${key}' VALUE`]})
  })

  it('the fix an error names works: "cto config set provider_endpoints.<model>.api_url"', async () => {
    const server = await startOpenAIServer({script: [{content: 'pong'}]})
    try {
      // Where nothing listens: connection refused, and the error names the setting.
      const closed = await startOpenAIServer()
      await closed.close()
      await sb.writeUserConfig({provider_endpoints: {deepseek: {api_url: closed.baseURL}}, engines: {max_retries: 0}})
      const env = {DEEPSEEK_API_KEY: 'sk-test-deepseek-0123456789'}
      const before = await sb.run(['run', '-m', 'deepseek', 'ping'], {env})
      expect(before.code).toBe(1)
      const fix = /(cto config set \S+) <url>/.exec(before.stderr)
      expect(fix?.[1], before.stderr).toBe('cto config set provider_endpoints.deepseek.api_url')
      const set = await sb.run([...(fix?.[1] ?? '').split(' ').slice(1), server.baseURL], {env})
      expect(set.code, set.stderr).toBe(0)
      const after = await sb.run(['run', '-m', 'deepseek', 'ping'], {env})
      expect(after.code, after.stderr).toBe(0)
      expect(after.stdout).toContain('pong')
    } finally {
      await server.close()
    }
  })
})

describe('config files that are there but broken', () => {
  it('config validate names a broken project config by its path, not "(project)"', async () => {
    const project = join(sb.home, 'app')
    await mkdir(project)
    await writeFile(join(project, 'cto.config.json'), '{bad')
    const r = await sb.run(['config', 'validate'], {cwd: project})
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`invalid  ${join(project, 'cto.config.json')} (project)`)
    expect(r.stdout).toContain(`${join(project, 'cto.config.json')}:1:2: invalid JSON`)
    expect(r.stdout).not.toContain('(project) (project)')
  })

  it('an empty or dangling cto.config.json is an error naming it, not ignored', async () => {
    const project = join(sb.home, 'app')
    await mkdir(project)
    await writeFile(join(project, 'cto.config.json'), '')
    const empty = await sb.run(['config', 'show'], {cwd: project})
    expect(empty.code).toBe(1)
    expect(empty.stderr).toContain(`${join(project, 'cto.config.json')}: the file is empty`)
    expect(empty.stderr).toContain('Write {} in')
    await writeFile(join(project, 'cto.config.json'), '{}')
    expect((await sb.run(['config', 'show'], {cwd: project})).code).toBe(0)

    const other = join(sb.home, 'other')
    await mkdir(other)
    await symlink(join(sb.home, 'gone.json'), join(other, 'cto.config.json'))
    const dangling = await sb.run(['config', 'show', '--json'], {cwd: other})
    expect(dangling.code).toBe(1)
    expect(JSON.parse(dangling.stdout).error.message).toContain(`a symbolic link to ${join(sb.home, 'gone.json')}, which does not exist`)
    const v = await sb.run(['config', 'validate'], {cwd: other})
    expect(v.code).toBe(1)
    expect(v.stdout).toContain(join(other, 'cto.config.json'))
  })

  it('a config file that is a folder: the path and the fix, no "report it if it looks like a bug"', async () => {
    const project = join(sb.home, 'app')
    await mkdir(join(project, 'cto.config.json'), {recursive: true})
    const r = await sb.run(['config', 'show'], {cwd: project})
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${join(project, 'cto.config.json')}: it is a folder, not a file`)
    expect(r.stderr).not.toContain('report it')
    await mkdir(sb.userConfigFile, {recursive: true})
    const user = await sb.run(['models', 'enable', 'kimi'])
    expect(user.code).toBe(1)
    expect(user.stderr).toContain(`${sb.userConfigFile}: it is a folder, not a file`)
    expect(user.stderr).not.toContain('report it')
  })
})
