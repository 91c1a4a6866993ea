/**
 * `cto run` end to end through the built CLI: deepseek against the OpenAI-compatible test server
 * (the real openai SDK over HTTP, the real tool worker), sonnet as a real Claude Code session
 * against the Anthropic stand-in, with `cto tools hook` as its PreToolUse hook.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import {startOpenAIServer, toolMessages, type OpenAIServer} from '../support/openai-server.js'
import {startAnthropicServer, toolResults, type AnthropicServer} from '../support/anthropic-server.js'
import {REAL_CLAUDE_BIN, realClaudeAvailable, TEST_ANTHROPIC_KEY} from '../support/real-claude.js'
import {osSandboxMissing} from '../support/os-sandbox.js'

const KEY = 'sk-test-run-0123456789abcdefghij'
let sb: Sandbox
let ws: string
let openai: OpenAIServer | undefined
let anthropic: AnthropicServer | undefined

beforeEach(async () => {
  sb = await makeSandbox()
  ws = join(sb.home, 'work')
  await mkdir(ws)
})
afterEach(async () => {
  await openai?.close()
  await anthropic?.close()
  openai = anthropic = undefined
  await sb.cleanup()
})

async function pointDeepseekAt(url: string): Promise<void> {
  await sb.writeUserConfig({provider_endpoints: {deepseek: {api_url: url}}, engines: {max_retries: 0}})
}

describe('cto run -m deepseek (openai-tools)', () => {
  it('writes a file with write_file and runs a command with run_command; the output reaches the model', async () => {
    const target = join(ws, 'notes', 'hello.txt')
    openai = await startOpenAIServer({
      script: [
        {toolCalls: [{name: 'write_file', arguments: {path: target, content: 'hello from deepseek\n'}}], usage: {prompt_tokens: 120, completion_tokens: 30}},
        {toolCalls: [{name: 'run_command', arguments: {command: 'cat notes/hello.txt && echo marker-$((6*7))'}}]},
        {content: 'Wrote the file; the command printed marker-42.', usage: {prompt_tokens: 400, completion_tokens: 15}},
      ],
    })
    await pointDeepseekAt(openai.baseURL)
    const r = await sb.run(['run', '-m', 'deepseek', '--workspace', ws, '--json', 'write notes/hello.txt then cat it'], {env: {DEEPSEEK_API_KEY: KEY}, cwd: ws})
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({ok: true, model: 'deepseek', engine: 'openai-tools', text: 'Wrote the file; the command printed marker-42.', turns: 3})
    expect(out.tool_calls.map((c: {name: string; ok: boolean}) => [c.name, c.ok])).toEqual([['write_file', true], ['run_command', true]])
    expect(out.cost_usd).toBeGreaterThan(0)
    expect(await readFile(target, 'utf8')).toBe('hello from deepseek\n')
    const fed = toolMessages(openai.requests[2])
    expect(fed[fed.length - 1].content).toContain('hello from deepseek')
    expect(fed[fed.length - 1].content).toContain('marker-42')
    // The key went to the server, not to the output.
    expect(openai.requests[0].headers.authorization).toBe(`Bearer ${KEY}`)
    expect(r.stdout + r.stderr).not.toContain(KEY)
  })

  it('refuses a blocked path and hands the refusal back to the model', async () => {
    openai = await startOpenAIServer({
      script: [
        {toolCalls: [{name: 'read_file', arguments: {path: '~/.ssh/id_ed25519'}}, {name: 'write_file', arguments: {path: '/etc/cron.d/evil', content: 'x'}}]},
        {content: 'I was not allowed to.'},
      ],
    })
    await mkdir(join(sb.home, '.ssh'))
    await writeFile(join(sb.home, '.ssh', 'id_ed25519'), 'PRIVATE KEY')
    await pointDeepseekAt(openai.baseURL)
    const r = await sb.run(['run', '-m', 'deepseek', 'read my ssh key'], {env: {DEEPSEEK_API_KEY: KEY}})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('I was not allowed to.')
    expect(r.stderr).toMatch(/deepseek · .* tokens .* · \$/)
    const fed = toolMessages(openai.requests[1])
    expect(fed).toHaveLength(2)
    expect(fed[0].content).toMatch(/SSH keys/)
    expect(fed[0].content).not.toContain('PRIVATE KEY')
    expect(fed[1].content).toMatch(/Refused to write/)
    expect(existsSync('/etc/cron.d/evil')).toBe(false)
  })

  it('says how to fix a disabled model, a missing key and a missing claude binary (exit 1)', async () => {
    const noKey = await sb.run(['run', '-m', 'kimi', 'hi'])
    expect(noKey.code).toBe(1)
    expect(noKey.stderr).toContain('No key for kimi: run "cto keys set kimi" or set MOONSHOT_API_KEY.')
    const disabled = await sb.run(['run', '-m', 'gemini', 'hi'], {env: {GEMINI_API_KEY: KEY}})
    expect(disabled.code).toBe(1)
    expect(disabled.stderr).toContain('cto models enable gemini')
    const noClaude = await sb.run(['run', '-m', 'haiku', 'hi'], {env: {CTO_CLAUDE_BIN: join(sb.home, 'no-such-claude')}})
    expect(noClaude.code).toBe(1)
    expect(noClaude.stderr).toContain(`haiku can't be used: CTO_CLAUDE_BIN names ${join(sb.home, 'no-such-claude')}, which is not an executable file.`)
    expect(noClaude.stderr).toContain('npm install -g @anthropic-ai/claude-code')
    const json = await sb.run(['run', '-m', 'haiku', '--json', 'hi'], {env: {CTO_CLAUDE_BIN: join(sb.home, 'no-such-claude')}})
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({error: {code: 'MODEL_UNAVAILABLE', actions: [expect.stringContaining('CTO_CLAUDE_BIN')]}})
  })
})

describe.skipIf(!realClaudeAvailable)('cto run -m sonnet (the real Claude Code CLI)', () => {
  const claudeEnv = (url: string) => ({ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: TEST_ANTHROPIC_KEY, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', CTO_CLAUDE_BIN: REAL_CLAUDE_BIN})

  it('writes a file in the workspace', async () => {
    const target = join(ws, 'hello.txt')
    anthropic = await startAnthropicServer({script: [{toolUses: [{name: 'Write', input: {file_path: target, content: 'hello from sonnet\n'}}]}, {text: 'Wrote hello.txt.'}]})
    const r = await sb.run(['run', '-m', 'sonnet', '--workspace', ws, '--timeout', '90', '--json', 'write hello.txt'], {env: claudeEnv(anthropic.url), cwd: ws, timeoutMs: 120_000})
    expect(r.code, r.stderr + r.stdout).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ok: true, model: 'sonnet', engine: 'claude-cli', text: 'Wrote hello.txt.'})
    expect(await readFile(target, 'utf8')).toBe('hello from sonnet\n')
  })

  it('is stopped by the cto hook (dist/tools-hook.js) when the tool call targets a forbidden path', async () => {
    const target = join(sb.home, '.ssh', 'authorized_keys')
    anthropic = await startAnthropicServer({script: [{toolUses: [{name: 'Write', input: {file_path: target, content: 'ssh-ed25519 AAAA attacker'}}]}, {text: 'Could not write it.'}]})
    const r = await sb.run(['run', '-m', 'sonnet', '--timeout', '90', '--json', 'add my key'], {env: claudeEnv(anthropic.url), cwd: ws, timeoutMs: 120_000})
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.text).toBe('Could not write it.')
    expect(existsSync(target)).toBe(false)
    const results = toolResults(anthropic.requests[1])
    expect(results).toEqual([expect.objectContaining({is_error: true})])
    // The workspace is the folder the run started in; the keys are outside it.
    expect(JSON.stringify(results)).toMatch(/authorized_keys.*is outside .*\/work, the only folder the tools may use/)
    expect(JSON.stringify(results)).toContain('tools-hook.js')
    expect(out.permission_denials.map((d: {tool_name: string}) => d.tool_name)).toEqual(['Write'])
  })

  it('CTO_MODEL=sonnet: the CTO call goes through Claude Code with every tool disallowed', async () => {
    anthropic = await startAnthropicServer({sideReply: {text: '{"complexity": "moderate", "type": "coding", "model": "sonnet", "reason": "from claude"}'}})
    const r = await sb.run(['task', '--dry-run', '--json', 'refactor the parser'], {env: {...claudeEnv(anthropic.url), CTO_MODEL: 'sonnet'}, cwd: ws, timeoutMs: 120_000})
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const t = JSON.parse(r.stdout)
    expect(t.classification).toMatchObject({source: 'cto', type: 'coding', complexity: 'moderate', reason: 'from claude'})
    const calls = anthropic.log.filter((x) => x.method === 'POST' && x.path === '/v1/messages')
    expect(calls.length).toBeGreaterThan(0)
    // No request offered the model a tool: Claude Code ran with --tools "".
    expect(anthropic.requests).toEqual([])
    expect(calls.every((x) => !Array.isArray((x.body as {tools?: unknown[]}).tools) || (x.body as {tools: unknown[]}).tools.length === 0)).toBe(true)
  })

  it.skipIf(osSandboxMissing !== undefined)(`Bash runs in Claude Code's sandbox with the tool worker's boundary: the keys are not there, the home folder is untouched${osSandboxMissing ? ` (${osSandboxMissing})` : ''}`, async () => {
    const key = `ESC-ssh-${Date.now()}`
    await mkdir(join(sb.home, '.ssh'))
    await writeFile(join(sb.home, '.ssh', 'id_rsa'), `${key}\n`)
    await writeFile(join(sb.home, '.bashrc'), '# rc\n')
    const command = 'cat ~/.ssh/id_rsa; echo "rc=$?"; echo pwned >> ~/.bashrc; echo "[${ANTHROPIC_API_KEY}]"; echo inside > inside.txt; ls -a ~'
    anthropic = await startAnthropicServer({script: [{toolUses: [{name: 'Bash', input: {command}}]}, {text: 'Done.'}]})
    const r = await sb.run(['run', '-m', 'sonnet', '--timeout', '90', '--json', 'look around'], {env: claudeEnv(anthropic.url), cwd: ws, timeoutMs: 120_000})
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const [result] = toolResults(anthropic.requests[1])
    const text = JSON.stringify(result)
    // The command ran (no refusal), inside the sandbox.
    expect(result, text).toMatchObject({is_error: false})
    expect(text).toMatch(/id_rsa: No such file or directory/)
    expect(text).toContain('rc=1')
    expect(text).not.toContain(key)
    expect(text).toContain('[]')
    expect(text).not.toContain(TEST_ANTHROPIC_KEY)
    // Nothing outside the workspace changed; inside it did.
    expect(await readFile(join(sb.home, '.bashrc'), 'utf8')).toBe('# rc\n')
    expect(await readFile(join(ws, 'inside.txt'), 'utf8')).toBe('inside\n')
    // Claude Code got the sandbox settings from cto (the bubblewrap it started is what hid the keys).
    expect(anthropic.requests.every((q) => !JSON.stringify(q.body).includes(key))).toBe(true)
  })
})
