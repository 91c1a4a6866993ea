/**
 * Claude Code as the worker of an isolated attempt: the real Claude Code CLI against the Anthropic
 * stand-in, started by the built CLI in the attempt's copy (its cwd, and the root of its
 * `cto tools hook`); the CTO reviewing is deepseek on the OpenAI-compatible test server.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {cp, readFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {makeSandbox, type Sandbox} from '../support/run-cli.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {startAnthropicServer, toolResults, type AnthropicServer, type MessagesRequest} from '../support/anthropic-server.js'
import {REAL_CLAUDE_BIN, realClaudeAvailable, TEST_ANTHROPIC_KEY} from '../support/real-claude.js'
import {fingerprint, gitEnv, sh} from './support/git-fixture.js'

const FIXTURE = resolve(import.meta.dirname, 'fixtures', 'calc')
const KEY = 'sk-test-isolated-claude-0123456789'

let sb: Sandbox
let project: string
let openai: OpenAIServer | undefined
let anthropic: AnthropicServer | undefined

beforeEach(async () => {
  sb = await makeSandbox()
  project = join(sb.home, 'calc')
  await cp(FIXTURE, project, {recursive: true})
})
afterEach(async () => {
  await openai?.close()
  await anthropic?.close()
  openai = anthropic = undefined
  await sb.cleanup()
})

/** The copy's path, as cto's worker prompt names it. */
function copyOf(r: MessagesRequest): string {
  const m = /copy of the user's project at (\S+) \(the original/.exec(JSON.stringify(r.body.messages))
  if (!m) throw new Error('the worker prompt names no copy')
  return m[1]!
}

describe.skipIf(!realClaudeAvailable)('cto task -m sonnet: Claude Code works in its own copy', () => {
  it("edits in the copy; the reviewer sees the command Claude ran with its exit code; only the approved change reaches the workspace", async () => {
    const genv = gitEnv(sb.home)
    await sh('git init -q -b main && git add -A && git commit -qm init', project, genv)
    const before = await fingerprint(project, {skip: (p) => p === '.git'})
    const copies: string[] = []
    anthropic = await startAnthropicServer({
      handler: (r, i) => {
        const copy = copyOf(r)
        copies.push(copy)
        const file = join(copy, 'src', 'add.mjs')
        if (i === 0) return {toolUses: [{name: 'Read', input: {file_path: file}}]}
        if (i === 1) return {toolUses: [{name: 'Edit', input: {file_path: file, old_string: 'return a - b', new_string: 'return a + b'}}]}
        if (i === 2) return {toolUses: [{name: 'Bash', input: {command: 'ls no-such-file', description: 'look for a file'}}]}
        return {text: 'Fixed add; the tests pass.'}
      },
    })
    const reviews: string[] = []
    openai = await startOpenAIServer({
      handler: (r) => {
        reviews.push(String(r.body.messages.find((m) => m.role === 'user')?.content ?? ''))
        return {content: JSON.stringify({approved: true, quality: 8, feedback: 'tests pass'})}
      },
    })
    await sb.writeUserConfig({provider_endpoints: {deepseek: {api_url: `${openai.baseURL}/chat/completions`}}, engines: {max_retries: 0}})
    const env = {
      DEEPSEEK_API_KEY: KEY,
      ANTHROPIC_BASE_URL: anthropic.url,
      ANTHROPIC_API_KEY: TEST_ANTHROPIC_KEY,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      CTO_CLAUDE_BIN: REAL_CLAUDE_BIN,
    }
    const r = await sb.run(['task', '--json', '-m', 'sonnet', '--timeout', '90', 'fix the failing test'], {env, cwd: project, timeoutMs: 115_000})
    expect(r.code, r.stderr + r.stdout).toBe(0)
    const t = JSON.parse(r.stdout)
    expect(t.attempts[0]).toMatchObject({model: 'sonnet', engine: 'claude-cli', workspace: 'copy', approved: true, verification: {ran: true, passed: true}})

    // Claude Code ran in the copy (in the task's folder), and its tool calls went through.
    const copy = copies[0]!
    expect(copy.startsWith(join(sb.dataHome, 'cto', 'tasks', t.id))).toBe(true)
    expect(JSON.stringify(anthropic.requests[0].body.system)).toContain(copy)
    expect(toolResults(anthropic.requests[2])).toEqual([expect.objectContaining({is_error: false})])
    expect(toolResults(anthropic.requests[3])).toEqual([expect.objectContaining({is_error: true})])
    // The review saw the diff and the command Claude ran, with its exit code.
    expect(reviews.at(-1)).toContain('+  return a + b')
    // Its exit code and output (`ls` exits 2 on a missing file; what it printed follows, indented).
    expect(reviews.at(-1)).toMatch(/\$ ls no-such-file {2}→ exit [1-9]\d*\n {4}\S/)
    expect(reviews.at(-1)).toMatch(/Verification: `npm test` \(package\.json\) PASSED/)

    expect(await sh('git status --porcelain', project, genv)).toBe(' M src/add.mjs\n')
    expect(await readFile(join(project, 'src', 'add.mjs'), 'utf8')).toContain('return a + b')
    const after = await fingerprint(project, {skip: (p) => p === '.git'})
    expect(Object.keys(after).filter((k) => after[k] !== before[k])).toEqual(['src/add.mjs'])
  })
})
