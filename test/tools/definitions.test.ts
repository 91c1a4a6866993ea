/** Tool definitions in both formats, argument validation, the policy schema, and the Claude Code hook. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {anthropicToolDefinitions, openaiToolDefinitions, toolNames} from '../../src/core/tools/worker/definitions.js'
import {evaluateClaudeHook} from '../../src/core/tools/policy/claude-hook.js'
import {defaultToolPolicy, toolPolicySchema} from '../../src/core/tools/policy/policy-schema.js'
import {gitIdentity, scrubEnv} from '../../src/core/tools/worker/process-env.js'
import {createWorld, type World} from './fixture.js'

let world: World
beforeAll(() => {
  world = createWorld()
})
afterAll(() => world.cleanup())

describe('definitions', () => {
  it('exports the six tools in the OpenAI format from the zod schemas', () => {
    const defs = openaiToolDefinitions()
    expect(defs.map((d) => d.function.name)).toEqual(['read_file', 'write_file', 'edit_file', 'run_command', 'list_directory', 'get_current_directory'])
    const edit = defs.find((d) => d.function.name === 'edit_file')!
    expect(edit.type).toBe('function')
    expect(edit.function.parameters).toMatchObject({
      type: 'object',
      required: ['path', 'old_string', 'new_string'],
      properties: {replace_all: {type: 'boolean'}, path: {type: 'string', minLength: 1}},
      additionalProperties: false,
    })
    expect(edit.function.parameters.$schema).toBeUndefined()
  })
  it('exports the same schemas in the Anthropic format', () => {
    const defs = anthropicToolDefinitions()
    expect(defs.map((d) => d.name)).toEqual(toolNames)
    expect(defs.find((d) => d.name === 'run_command')!.input_schema).toEqual(openaiToolDefinitions().find((d) => d.function.name === 'run_command')!.function.parameters)
    expect(defs.find((d) => d.name === 'get_current_directory')!.input_schema).toMatchObject({type: 'object', properties: {}})
  })
})

describe('argument validation: errors, never throws', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['unknown tool', 'delete_everything', '{}', /Unknown tool "delete_everything".*read_file/],
    ['malformed JSON', 'read_file', '{"path": ', /not valid JSON/],
    ['missing field', 'read_file', '{}', /path/],
    ['wrong type', 'write_file', '{"path": "a", "content": 5}', /content/],
    ['extra field', 'read_file', '{"path": "a", "mode": "w"}', /mode|Unrecognized/i],
    ['array instead of object', 'list_directory', '[]', /Invalid arguments/],
    ['negative offset', 'read_file', '{"path": "a", "offset": -1}', /offset/],
  ]
  it.each(cases)('%s', async (_n, tool, raw, message) => {
    const r = await world.runner.execute(tool, raw)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatch(message)
  })
  it('empty arguments are {} for get_current_directory', async () => {
    expect(await world.runner.execute('get_current_directory', '')).toMatchObject({ok: true, content: world.ws})
  })
})

describe('policy schema', () => {
  it('fills secure defaults and rejects unknown keys', () => {
    expect(defaultToolPolicy).toMatchObject({workspace: null, policy: 'on', default_timeout_seconds: 120, max_timeout_seconds: 300, deny_read: [], deny_write: []})
    // The OS sandbox is on by default: no network, no extra writable folders, toolchains readable.
    expect(defaultToolPolicy.sandbox).toMatchObject({mode: 'on', allow_write: [], network: [], env: []})
    expect(defaultToolPolicy.sandbox.allow_read).toContain('~/.cargo')
    // "off" is the opt-out; the earlier schema's values still load.
    expect(toolPolicySchema.parse({sandbox: 'off'}).sandbox.mode).toBe('off')
    expect(toolPolicySchema.parse({sandbox: 'none'}).sandbox.mode).toBe('off')
    expect(toolPolicySchema.parse({sandbox: 'bubblewrap'}).sandbox.mode).toBe('on')
    expect(toolPolicySchema.parse({sandbox: {network: ['registry.npmjs.org']}}).sandbox).toMatchObject({mode: 'on', network: ['registry.npmjs.org']})
    expect(toolPolicySchema.safeParse({sandbox: {network: ['http://x.com/path']}}).success).toBe(false)
    expect(toolPolicySchema.safeParse({sandbox: {netwrk: []}}).success).toBe(false)
    expect(toolPolicySchema.safeParse({sandbx: 'none'}).success).toBe(false)
    expect(toolPolicySchema.safeParse({default_timeout_seconds: 0}).success).toBe(false)
  })
  it('extra deny_read and deny_write paths are honoured', async () => {
    const w = createWorld({policy: {deny_read: ['~/proj/private'], deny_write: ['~/proj/*.lock']}})
    try {
      const r1 = await w.runner.execute('read_file', JSON.stringify({path: 'private/x'}))
      expect(r1).toMatchObject({ok: false, rule: 'deny-read'})
      const r2 = await w.runner.execute('write_file', JSON.stringify({path: 'yarn.lock', content: ''}))
      expect(r2).toMatchObject({ok: false, rule: 'deny-write'})
    } finally {
      w.cleanup()
    }
  })
  it('env scrubbing and git identity', () => {
    expect(Object.keys(scrubEnv({A_API_KEY: '1', NPM_TOKEN: '1', X_SECRET: '1', MYPASSWORDX: '1', AWS_SECRET_ACCESS_KEY: '1', PATH: '/bin', HOME: '/h'}))).toEqual(['PATH', 'HOME'])
    expect(gitIdentity('MiniMax M2')).toEqual({name: 'MiniMax M2 (cto)', email: 'minimax-m2@cto.local'})
    // The team store's URL, and any URL that carries a password, stay out of the commands models run.
    const urls = {CTO_STORE_URL: 'postgres://cto@db/team', DATABASE_URL: 'postgres://me:s3cret@db/x', DOCS_URL: 'https://example.com/a@b', PATH: '/bin'}
    expect(Object.keys(scrubEnv(urls))).toEqual(['DOCS_URL', 'PATH'])
  })
  it('HOME is looked up at call time', async () => {
    const env = {...world.env}
    const {checkPath} = await import('../../src/core/tools/policy/path-policy.js')
    const ctx = {env, workspace: '~'}
    expect(checkPath('read', '~/notes.txt', ctx).allowed).toBe(true)
    env.HOME = world.outside
    const d = checkPath('read', '~/notes.txt', ctx)
    expect(d.allowed && d.path).toBe(`${world.outside}/notes.txt`)
  })
})

describe('Claude Code PreToolUse hook', () => {
  const hook = (tool_name: string, tool_input: Record<string, unknown>) =>
    evaluateClaudeHook(JSON.stringify({hook_event_name: 'PreToolUse', cwd: world.ws, tool_name, tool_input}), {env: world.env, workspace: '~'})
  it.each([
    ['Bash', {command: 'rm -rf ~'}, true],
    ['Bash', {command: 'git push --force'}, true],
    ['Bash', {command: 'npm test'}, false],
    ['Read', {file_path: '~/.ssh/id_rsa'}, true],
    ['Read', {file_path: '~/.SSH/../.ssh/id_rsa'}, true],
    ['Read', {file_path: 'README.md'}, false],
    ['Write', {file_path: '~/.bashrc', content: 'x'}, true],
    ['Edit', {file_path: 'src/app.ts', old_string: 'a', new_string: 'b'}, false],
    ['NotebookEdit', {notebook_path: '~/credentials/n.ipynb'}, true],
    ['Glob', {pattern: '~/.ssh/*'}, true],
    ['Grep', {pattern: 'key', path: '~/agents'}, true],
    ['Grep', {pattern: 'key', path: 'src'}, false],
    ['Write', {file_path: 'cto.config.json', content: '{}'}, true],
    ['Write', {file_path: '.claude/settings.json', content: '{}'}, true],
    ['Grep', {pattern: 'key', path: '~/credentials'}, true],
    ['WebFetch', {url: 'https://example.com'}, false],
  ] as const)('%s %j → block %s', (tool, input, block) => {
    const d = hook(tool, input as Record<string, unknown>)
    expect(d.block, d.reason).toBe(block)
    expect(d.reason.length).toBeGreaterThan(5)
  })
  it("refuses a Write, Edit or MultiEdit that sets package.json's cto key; other package.json changes pass", () => {
    const pkg = JSON.stringify({name: 'demo', version: '1.0.0'})
    expect(hook('Write', {file_path: 'package.json', content: JSON.stringify({name: 'demo', cto: {tools: {sandbox: 'off'}}})}).block).toBe(true)
    expect(hook('Edit', {file_path: 'package.json', old_string: '"name":"demo"', new_string: '"name":"demo","cto":{"cto_model":"opus"}'}).block).toBe(true)
    expect(hook('MultiEdit', {file_path: 'package.json', edits: [{old_string: '"version":"1.0.0"', new_string: '"version":"2.0.0","cto":{}'}]}).block).toBe(true)
    expect(hook('Write', {file_path: 'package.json', content: pkg.replace('1.0.0', '1.0.1')}).block).toBe(false)
    expect(hook('Edit', {file_path: 'package.json', old_string: '"version":"1.0.0"', new_string: '"version":"1.0.1"'}).block).toBe(false)
  })
  it('fails closed on malformed input', () => {
    expect(evaluateClaudeHook('{not json').block).toBe(true)
    expect(evaluateClaudeHook({tool_input: {}}).block).toBe(true)
  })
})
