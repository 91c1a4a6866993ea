/**
 * Watching a task: a tool call is one readable line, shown once; a tool call the policy refused is
 * counted in the summary and in --json and told to the reviewer; an attempt that failed or was
 * rejected is not marked as a success. (The CLI runs in-process with its output captured as from
 * pipes, so progress is plain lines on stderr and the answer goes to stdout.) The answer streaming
 * while the worker writes it is watched on a real process: watching.e2e.test.ts.
 */
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {externalModelsOn, isClassification, isReview, jsonReply, lastUser} from './task-helpers.js'

let sb: Sandbox
let server: OpenAIServer | undefined
let workspace: string
beforeEach(async () => {
  sb = await makeInProcessSandbox()
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

  it('a refused tool call: one readable line, counted in the summary and --json, told to the reviewer', async () => {
    const outside = join(sb.home, '..', 'outside-the-workspace.txt')
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 6, feedback: 'hello.txt is there'})
        if (isClassification(r)) return jsonReply({complexity: 'simple', type: 'bash_command', model: 'deepseek', reason: 'x'})
        if (r.body.messages.some((m) => m.role === 'tool')) return {content: 'Wrote both files.'}
        return {
          toolCalls: [
            {name: 'write_file', arguments: {path: join(workspace, 'hello.txt'), content: 'hi'}},
            {name: 'write_file', arguments: {path: outside, content: 'bye'}},
          ],
        }
      },
    })
    const env = await configure()
    const human = await sb.run(['task', '--in-place', '--workspace', workspace, 'create hello.txt containing hi, and a copy outside'], {env})
    expect(human.code, human.stderr).toBe(0)
    // Progress: each call once, readable; never "write_file write_file {…".
    expect(human.stderr.split(`→ write_file ${join(workspace, 'hello.txt')} (2 bytes)`)).toHaveLength(2)
    expect(human.stderr).toContain(`→ write_file ${outside} (3 bytes)`)
    expect(human.stderr).not.toContain('write_file write_file')
    expect(human.stdout).toMatch(/Attempt 1\s+deepseek .* approved, quality 6/)
    expect(human.stdout).toMatch(/refused\s+write_file .*outside-the-workspace\.txt/)
    expect(human.stdout).toMatch(/Result\s+completed .* 1 tool call refused \(did not happen\)/)
    // The reviewer was told.
    const review = server.requests.filter(isReview).at(-1)
    expect(lastUser(review as never)).toMatch(/1 tool call was REFUSED and did not happen:\n- write_file .*outside-the-workspace\.txt/)

    const json = await sb.run(['task', '--json', '--in-place', '--workspace', workspace, 'create hello.txt containing hi, and a copy outside'], {env})
    const t = JSON.parse(json.stdout) as {attempts: Array<{refused_tool_calls: Array<{name: string; summary: string; rule?: string}>}>}
    expect(t.attempts[0].refused_tool_calls).toEqual([expect.objectContaining({name: 'write_file', rule: expect.any(String), summary: expect.stringContaining('outside-the-workspace.txt')})])
  })

  it('the streamed answer keeps its pieces apart: text before a tool call, and a stream cut off and tried again', async () => {
    let cut = false
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 8, feedback: 'ok'})
        if (isClassification(r)) return jsonReply({complexity: 'simple', type: 'coding', model: 'deepseek', reason: 'x'})
        // Turn 1: a sentence, then a tool call (as real models do). Turn 2: the stream breaks off half-way once, then comes whole.
        if (!r.body.messages.some((m) => m.role === 'tool')) return {content: 'Let me look around first.', toolCalls: [{name: 'list_directory', arguments: {path: '.'}}]}
        if (!cut) {
          cut = true
          return {content: 'There is nothing here to fix at all.', drop: 'mid-response'}
        }
        return {content: 'There is nothing here to fix at all.'}
      },
    })
    const env = await externalModelsOn(sb, server.baseURL, {deepseek: {}}, {engines: {max_retries: 1}})
    const r = await sb.run(['task', '--in-place', '--workspace', workspace, 'fix whatever is broken'], {env})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/› retry 1 in .*: connection_error/)
    // Each piece on a line of its own: never "first.There is" nor "here toThere is".
    expect(r.stdout.split('\nClassification')[0]).toBe('Let me look around first.\nThere is nothing here to\nThere is nothing here to fix at all.\n')
  })

  it('a rejected attempt is marked failed in the progress, not ✔', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply(/Worker deepseek/.test(lastUser(r)) ? {approved: false, quality: 2, feedback: 'wrong'} : {approved: true, quality: 8, feedback: 'ok'})
        if (isClassification(r)) return jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'x'})
        return {content: `answer from ${r.body.model}`}
      },
    })
    const env = await configure()
    const r = await sb.run(['task', 'what is a monad?'], {env, cwd: workspace})
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stderr.split('\n')
    const first = lines.filter((l) => l.includes('Attempt 1 · deepseek') && l.includes('rejected'))
    expect(first.length, r.stderr).toBeGreaterThan(0)
    for (const l of first) expect(l).not.toMatch(/✔|\[COMPLETED\]|\[SUCCESS\]/)
    expect(first.some((l) => /✖|\[FAILED\]/.test(l))).toBe(true)
    expect(lines.some((l) => /(✔|\[COMPLETED\]).*Attempt 2 · minimax .*approved/.test(l))).toBe(true)
  })
})
