/**
 * `cto run -m deepseek` through the CLI (in-process): against the OpenAI-compatible test server (the
 * real openai SDK over HTTP, the real tool worker). The Claude Code sessions, whose PreToolUse hook
 * is the built dist/tools-hook.js, are in run-cli.e2e.test.ts.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, toolMessages, type OpenAIServer} from '../support/openai-server.js'
import type {AnthropicServer} from '../support/anthropic-server.js'

const KEY = 'sk-test-run-0123456789abcdefghij'
let sb: Sandbox
let ws: string
let openai: OpenAIServer | undefined
let anthropic: AnthropicServer | undefined

beforeEach(async () => {
  sb = await makeInProcessSandbox()
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
