/**
 * Where `cto task` and `cto run` read their text: words, standard input (slow, large, "-"), --file.
 * cto runs in the test's process (stdin a pipe that holds the input); what reached the model is read
 * off the test server. A slow pipe, 10 MB and bytes that are not UTF-8 go through a real pipe to the
 * built CLI: input.e2e.test.ts.
 */
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'

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

async function echoServer(): Promise<NodeJS.ProcessEnv> {
  server = await startOpenAIServer({handler: () => ({content: 'ok', usage: {prompt_tokens: 10, completion_tokens: 1}})})
  await sb.writeUserConfig({provider_endpoints: {kimi: {api_url: server.baseURL}}, engines: {max_retries: 0}})
  return {MOONSHOT_API_KEY: 'sk-test-input-0123456789'}
}

const sentPrompt = () => {
  const messages = server?.requests.at(-1)?.body.messages ?? []
  return String(messages.filter((m) => m.role === 'user').at(-1)?.content ?? '')
}

describe('task input', () => {
  it('takes "-" as "read standard input", not as the task', async () => {
    const r = await sb.run(['task', '--dry-run', '--json', '-'], {input: 'summarise the changelog\n'})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).task).toBe('summarise the changelog')
  })

  it('reads --file, for a task longer than one command-line argument may be (128 KiB)', async () => {
    const env = await echoServer()
    const text = `review this:\n${'x'.repeat(200 * 1024)}\nend`
    const file = join(sb.home, 'prompt.txt')
    await writeFile(file, text)
    const r = await sb.run(['run', '-m', 'kimi', '--file', file, '--json'], {env})
    expect(r.code, r.stderr).toBe(0)
    expect(sentPrompt()).toBe(text)
    const both = await sb.run(['run', '-m', 'kimi', '--file', file, 'and words', '--json'], {env})
    expect(both.code).toBe(64)
    expect(JSON.parse(both.stdout).error.code).toBe('INPUT_TWICE')
    const missing = await sb.run(['task', '--dry-run', '--file', join(sb.home, 'nope.md')])
    expect(missing.code).toBe(64)
    expect(missing.stderr).toContain(`Cannot read the task from ${join(sb.home, 'nope.md')}: no such file.`)
  })

  it('an empty pipe is a usage error (64), with or without --json', async () => {
    const r = await sb.run(['task', '--dry-run'], {input: ''})
    expect(r.code).toBe(64)
    expect(r.stderr).toContain('The task is empty (standard input was empty)')
    const j = await sb.run(['task', '--dry-run', '--json'], {input: ''})
    expect(j.code).toBe(64)
    expect(JSON.parse(j.stdout)).toEqual({error: {code: 'EMPTY_INPUT', message: expect.any(String), actions: expect.any(Array)}})
  })
})
