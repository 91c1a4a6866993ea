/**
 * Where `cto task` and `cto run` read their text: words, standard input (slow, large, "-"), --file.
 * Here the input comes through a real pipe to the built CLI, piece by piece (a slow producer, 10 MB cut
 * through multi-byte characters, bytes that are not UTF-8); the rest is in input.test.ts (in-process).
 * What reached the model is read off the test server.
 */
import {spawn} from 'node:child_process'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BIN, makeSandbox, type CliResult, type Sandbox} from '../support/run-cli.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'

let sb: Sandbox
let server: OpenAIServer | undefined
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

/** Runs the CLI and feeds stdin piece by piece, waiting `gapMs` between pieces (a slow producer). */
function runPiped(args: string[], pieces: Array<string | Buffer>, opts: {gapMs?: number; firstDelayMs?: number; env?: NodeJS.ProcessEnv} = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: sb.home, env: {...sb.env, ...opts.env}})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
    child.stdin.on('error', () => {})
    void (async () => {
      for (const [i, piece] of pieces.entries()) {
        const wait = i === 0 ? (opts.firstDelayMs ?? opts.gapMs) : opts.gapMs
        if (wait) await new Promise((r) => setTimeout(r, wait))
        if (!child.stdin.write(piece)) await new Promise((r) => child.stdin.once('drain', r))
      }
      child.stdin.end()
    })()
  })
}

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
  it('reads a slow pipe to its end (it used to be "Missing 1 required arg")', async () => {
    const pieces = ['fix the failing ', 'test in ', 'src/parser.ts ', 'and add a regression test']
    // The first bytes come well after cto has started (a producer that thinks first), the rest in bursts.
    const r = await runPiped(['task', '--dry-run', '--json'], pieces, {firstDelayMs: 2500, gapMs: 300})
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).task).toBe(pieces.join(''))
  })

  it('sends all 10 MB of a piped prompt, multi-byte characters split across chunks included', async () => {
    const env = await echoServer()
    const unit = 'ünïcödé ✓ 漢字 — '
    const text = `begin ${unit.repeat(Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(unit)))}end`
    const bytes = Buffer.from(text)
    // Odd-sized pieces cut through the middle of multi-byte characters.
    const pieces: Buffer[] = []
    for (let i = 0; i < bytes.length; i += 65_537) pieces.push(bytes.subarray(i, i + 65_537))
    const r = await runPiped(['run', '-m', 'kimi', '--json'], pieces, {env})
    expect(r.code, r.stderr).toBe(0)
    expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024)
    const sent = sentPrompt()
    expect(sent.length).toBe(text.length)
    expect(sent).toBe(text)
    expect(r.stderr).not.toMatch(/UTF-8/)
  })

  it('says when the input is not UTF-8, and where', async () => {
    const env = await echoServer()
    const bytes = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from(' au lait, na'), Buffer.from([0xef]), Buffer.from('ve')])
    const r = await runPiped(['run', '-m', 'kimi'], [bytes], {env})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('not valid UTF-8: 2 invalid byte sequences (the first at byte 3)')
    expect(sentPrompt()).toBe('caf\uFFFD au lait, na\uFFFDve')
  })
})
