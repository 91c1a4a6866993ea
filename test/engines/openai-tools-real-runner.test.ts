/**
 * The openai-tools engine with the real tool worker (src/core/tools): the scripted "model" writes a
 * file and runs a command; the file is on disk and the command's output reaches the model. A call
 * outside the workspace gets the policy's refusal back.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {runEngine} from '../../src/core/engines/index.js'
import {createToolRunner} from '../../src/core/tools/index.js'
import {startOpenAIServer, toolMessages, type OpenAIServer} from '../support/openai-server.js'
import {testModel} from '../support/test-model.js'

let home: string
let workspace: string
let server: OpenAIServer | undefined

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cto-runner-home-'))
  workspace = await mkdtemp(join(home, 'ws-'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(home, {recursive: true, force: true})
})

const deps = () => ({
  env: {PATH: process.env.PATH, HOME: home},
  toolRunnerFactory: (ctx: {model: {name: string}; workspace: string; env: NodeJS.ProcessEnv}) =>
    createToolRunner({model: ctx.model.name, workspace: ctx.workspace, env: ctx.env}),
})

describe('openai-tools engine with the real tool worker', () => {
  it('writes a file and runs a command; both results reach the model', async () => {
    server = await startOpenAIServer({
      script: [
        {
          toolCalls: [
            {id: 'w', name: 'write_file', arguments: {path: 'notes.txt', content: 'one\ntwo\nthree\n'}},
            {id: 'r', name: 'run_command', arguments: {command: 'wc -l < notes.txt && echo marker-$((6*7))'}},
          ],
        },
        {content: 'notes.txt has 3 lines.'},
      ],
    })
    const result = await runEngine({model: testModel({baseURL: server.baseURL}), prompt: 'write and count', workspace}, deps())
    expect(result.error).toBeUndefined()
    expect(result).toMatchObject({ok: true, text: 'notes.txt has 3 lines.'})
    expect(await readFile(join(workspace, 'notes.txt'), 'utf8')).toBe('one\ntwo\nthree\n')
    expect(server.requests[0].body.tools?.map((t) => t.function.name)).toEqual(expect.arrayContaining(['write_file', 'run_command', 'read_file']))
    const [written, ran] = toolMessages(server.requests[1])
    expect(written.tool_call_id).toBe('w')
    expect(ran.tool_call_id).toBe('r')
    expect(ran.content).toMatch(/\b3\b/)
    expect(ran.content).toContain('marker-42')
    expect(result.tool_calls.map((c) => [c.name, c.ok])).toEqual([
      ['write_file', true],
      ['run_command', true],
    ])
  })

  it('gets the refusal back for a path outside the workspace, and nothing is written', async () => {
    const outside = join(home, 'outside.txt')
    server = await startOpenAIServer({
      script: [{toolCalls: [{id: 'x', name: 'write_file', arguments: {path: outside, content: 'nope'}}]}, {content: 'I may not write there.'}],
    })
    const result = await runEngine({model: testModel({baseURL: server.baseURL}), prompt: 'write outside', workspace}, deps())
    expect(result.ok).toBe(true)
    const [refusal] = toolMessages(server.requests[1])
    expect(refusal.content).toMatch(/^Error: Refused to write/)
    expect(result.tool_calls).toEqual([expect.objectContaining({name: 'write_file', ok: false})])
    await expect(readFile(outside, 'utf8')).rejects.toThrow(/ENOENT/)
  })

  it('strict schemas: an extra or missing field is an error result, and three in a row end the attempt', async () => {
    const bad = {toolCalls: [{name: 'write_file', arguments: {path: 'a.txt'}}]}
    server = await startOpenAIServer({script: [bad, bad, bad]})
    const result = await runEngine({model: testModel({baseURL: server.baseURL}), prompt: 'x', workspace}, deps())
    expect(result.error).toMatchObject({code: 'malformed_tool_calls'})
    expect(toolMessages(server.requests[1])[0].content).toMatch(/Invalid arguments for write_file/)
  })

  it('runEngine uses the real tool worker by default, with the policy given', async () => {
    server = await startOpenAIServer({
      script: [
        {
          toolCalls: [
            {id: 'a', name: 'write_file', arguments: {path: 'open.txt', content: 'fine'}},
            {id: 'b', name: 'write_file', arguments: {path: 'locked.txt', content: 'no'}},
          ],
        },
        {content: 'one written, one refused'},
      ],
    })
    const result = await runEngine(
      {model: testModel({baseURL: server.baseURL}), prompt: 'x', workspace},
      {env: {PATH: process.env.PATH, HOME: home}, toolPolicy: {deny_write: [join(workspace, 'locked.txt')]}},
    )
    expect(result.ok).toBe(true)
    expect(result.tool_calls.map((c) => [c.id, c.ok])).toEqual([
      ['a', true],
      ['b', false],
    ])
    expect(await readFile(join(workspace, 'open.txt'), 'utf8')).toBe('fine')
    await expect(readFile(join(workspace, 'locked.txt'), 'utf8')).rejects.toThrow(/ENOENT/)
    expect(toolMessages(server.requests[1])[1].content).toMatch(/^Error: /)
  })
})
