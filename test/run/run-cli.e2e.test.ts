/**
 * `cto run` end to end through the built CLI: sonnet as a real Claude Code session against the
 * Anthropic stand-in, with cto's built hook (dist/tools-hook.js) as its PreToolUse hook. `cto run -m
 * deepseek` is in run-cli.test.ts (in-process).
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import type {OpenAIServer} from '../support/openai-server.js'
import {startAnthropicServer, toolResults, type AnthropicServer} from '../support/anthropic-server.js'
import {REAL_CLAUDE_BIN, realClaudeAvailable, TEST_ANTHROPIC_KEY} from '../support/real-claude.js'
import {osSandboxMissing} from '../support/os-sandbox.js'

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
