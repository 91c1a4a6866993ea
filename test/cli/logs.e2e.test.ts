/**
 * `cto logs`, and the whole path a new user takes: pipe a 5 MB task in, interrupt it (SIGINT to the
 * built CLI), read it back. The other `cto logs` tests run in-process: logs.test.ts.
 */
import {spawn} from 'node:child_process'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BIN, makeSandbox, type CliResult, type Sandbox} from '../support/run-cli.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {externalModelsOn, isCto, jsonReply} from '../task/task-helpers.js'
import type {LogsJson} from './logs-json.js'

let sb: Sandbox
let server: OpenAIServer | undefined
beforeEach(async () => {
  sb = await makeSandbox()
  await mkdir(join(sb.home, 'work'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

const configure = () => externalModelsOn(sb, server?.baseURL, {deepseek: {}})

describe('cto logs', () => {
  it('pipe a 5 MB task, interrupt it, read it back', async () => {
    let child: ReturnType<typeof spawn> | undefined
    server = await startOpenAIServer({
      handler: (r) => {
        if (isCto(r)) return jsonReply({complexity: 'complex', type: 'analysis', model: 'deepseek', reason: 'long'})
        setTimeout(() => child?.kill('SIGINT'), 100)
        return {delayMs: 60_000, content: 'never'}
      },
    })
    const env = await configure()
    const task = `Summarise this log:\n${'2026-11-26 12:00:00 worker ok — ünïcode\n'.repeat(5 * 26_000)}`
    expect(Buffer.byteLength(task)).toBeGreaterThan(5 * 1024 * 1024)
    const run: CliResult = await new Promise((resolve) => {
      const c = spawn(process.execPath, [BIN, 'task', '-', '--workspace', join(sb.home, 'work')], {cwd: sb.home, env: {...sb.env, ...env}})
      child = c
      let stdout = ''
      let stderr = ''
      c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
      c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
      c.stdin.on('error', () => {})
      c.stdin.end(task)
      c.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
    })
    expect(run.code, run.stderr).toBe(130)

    const logs = await sb.json<LogsJson>(['logs', '-n', '1'])
    expect(logs.tasks).toHaveLength(1)
    const t = logs.tasks[0]
    expect(t.task).toBe(task.trim())
    expect(t).toMatchObject({status: 'cancelled', model: 'deepseek', attempts: [expect.objectContaining({model: 'deepseek', cancelled: true})]})
    expect(t.usage.input_tokens).toBe(100)
    expect(t.cost_usd).toBeGreaterThan(0)
    expect(t.duration_ms).toBeGreaterThan(0)
    const human = await sb.run(['logs', '-n', '1', '--truncate', '60'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(new RegExp(`^# \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${t.id}  cancelled`))
    expect(human.stdout).toMatch(/Model: deepseek · analysis, complex · 120 tokens · \$[\d.]+ · \d+\.\ds/)
    expect(human.stdout).toContain('Attempts: deepseek cancelled')
    expect(human.stdout).toContain('## Task\n\nSummarise this log:')
    expect(human.stdout).toMatch(/more characters\]/)
  })


})
