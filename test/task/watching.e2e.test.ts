/**
 * Watching a task: the answer streams to stdout while the worker writes it, seen on the built CLI
 * as a process of its own (the test reads its stdout as it comes). The rest of watching a task
 * runs in-process: watching.test.ts.
 */
import {spawn} from 'node:child_process'
import {closeSync, openSync} from 'node:fs'
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BIN, makeSandbox, type Sandbox} from '../support/run-cli.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {externalModelsOn, isCto, isReview, jsonReply, spawnCli} from './task-helpers.js'

let sb: Sandbox
let server: OpenAIServer | undefined
let workspace: string
beforeEach(async () => {
  sb = await makeSandbox()
  workspace = join(sb.home, 'work')
  await mkdir(workspace)
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

const configure = () => externalModelsOn(sb, server?.baseURL, {deepseek: {}, minimax: {model_id: 'minimax-id'}}, {fallback_chain: {deepseek: ['minimax']}})

describe('watching cto task', () => {
  it('streams the answer to stdout while the worker is still writing it', async () => {
    let release: () => void = () => {}
    const held = new Promise<void>((resolve) => (release = resolve))
    let releasedByTimeout = false
    const answer = 'The first half of the answer arrives now, and the second half only after the test has seen the first.'
    server = await startOpenAIServer({
      handler: (r) => {
        if (isCto(r)) return isReview(r) ? jsonReply({approved: true, quality: 9, feedback: 'good'}) : jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'x'})
        return {content: answer, gate: {afterPieces: 4, wait: held}}
      },
    })
    const env = await configure()
    const run = spawnCli(sb, ['task', '--model', 'deepseek', '--workspace', workspace, 'tell me about streams'], {env})
    // Opened when the first words show on stdout; after 20 s anyway (and then the test fails).
    const fallback = setTimeout(() => {
      releasedByTimeout = true
      release()
    }, 20_000)
    const poll = setInterval(() => {
      if (run.stdout().includes('The first half')) release()
    }, 20)
    const r = await run.done
    clearTimeout(fallback)
    clearInterval(poll)
    expect(r.code, r.stderr).toBe(0)
    expect(releasedByTimeout).toBe(false)
    // Shown once: streamed, not printed again with the summary.
    expect(r.stdout.split(answer)).toHaveLength(2)
    expect(r.stdout).toMatch(/Result\s+completed/)
  })

  it('an answer without a final newline ends its line before the next progress line, where both share one screen (>log 2>&1)', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isCto(r)) return isReview(r) ? jsonReply({approved: true, quality: 9, feedback: 'good'}) : jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'x'})
        return {content: 'The answer is that everything passes.'}
      },
    })
    const env = await configure()
    // stdout and stderr into one file, as a terminal (or `>log 2>&1`) shows them: the order they were written in.
    const file = join(sb.home, 'both.log')
    const fd = openSync(file, 'w')
    const child = spawn(process.execPath, [BIN, 'task', '--model', 'deepseek', '--workspace', workspace, 'tell me about streams'], {cwd: sb.home, env: {...sb.env, ...env}, stdio: ['ignore', fd, fd]})
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    closeSync(fd)
    const both = await readFile(file, 'utf8')
    expect(code, both).toBe(0)
    // It was "…passes.✔ Attempt 1 · deepseek …".
    expect(both).toMatch(/^The answer is that everything passes\.\n✔ Attempt 1 · deepseek/m)
    // The answer is still shown once, a blank line before the summary.
    expect(both.split('everything passes')).toHaveLength(2)
    expect(both).toMatch(/\n\nClassification\s/)
  })


})
