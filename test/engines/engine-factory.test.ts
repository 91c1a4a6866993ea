import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {createEngine, runEngine} from '../../src/core/engines/index.js'
import {claudeResultJson, writeFakeClaude} from '../support/fake-claude.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {createStubToolRunner} from '../support/stub-tool-runner.js'
import {testModel} from '../support/test-model.js'

let workspace: string
let server: OpenAIServer | undefined

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'cto-factory-'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(workspace, {recursive: true, force: true})
})

describe('engine factory', () => {
  it('creates each kind', () => {
    for (const kind of ['text', 'openai-tools', 'claude-cli'] as const) expect(createEngine(kind, {hookCommand: false}).kind).toBe(kind)
  })

  it('runEngine picks the engine from the model: openai-tools acts through the tool worker it is given', async () => {
    server = await startOpenAIServer({
      script: [{toolCalls: [{name: 'write_file', arguments: {path: 'out.txt', content: 'via factory'}}]}, {content: 'written'}],
    })
    const contexts: unknown[] = []
    const result = await runEngine(
      {model: testModel({baseURL: server.baseURL, engine: 'openai-tools'}), prompt: 'write out.txt', workspace},
      {
        toolRunnerFactory: (context) => {
          contexts.push(context)
          return createStubToolRunner(context.workspace)
        },
        env: {CTO_TEST: '1'},
      },
    )
    expect(result).toMatchObject({ok: true, text: 'written'})
    expect(await readFile(join(workspace, 'out.txt'), 'utf8')).toBe('via factory')
    expect(contexts).toEqual([expect.objectContaining({workspace, env: {CTO_TEST: '1'}})])
  })

  it('runEngine runs a text model with the retry settings given', async () => {
    server = await startOpenAIServer({script: [{status: 503}, {content: 'text answer'}]})
    const sleeps: number[] = []
    const result = await runEngine(
      {model: testModel({baseURL: server.baseURL, engine: 'text'}), prompt: 'q', workspace},
      {sleep: async (ms) => void sleeps.push(ms), random: () => 0, retry: {baseDelayMs: 7}},
    )
    expect(result).toMatchObject({ok: true, text: 'text answer'})
    expect(sleeps).toEqual([7])
  })

  it('runEngine runs a claude model with the hook command and environment given', async () => {
    const fake = await writeFakeClaude(workspace, {stdout: claudeResultJson({result: 'from claude'})})
    const result = await runEngine(
      {model: testModel({engine: 'claude-cli', modelId: 'haiku', baseURL: undefined, apiKey: undefined}), prompt: 'hi', workspace},
      {hookCommand: '"/usr/bin/node" "/x/bin/run.js" tools hook', env: {CTO_CLAUDE_BIN: fake.bin, PATH: process.env.PATH}, claude: {outputFormat: 'json'}},
    )
    expect(result).toMatchObject({ok: true, text: 'from claude'})
    const [call] = await fake.invocations()
    const settings = JSON.parse(call.argv[call.argv.indexOf('--settings') + 1])
    expect(settings.hooks.PreToolUse[0].hooks[0].command).toBe('"/usr/bin/node" "/x/bin/run.js" tools hook || exit 2')
    expect(call.argv[call.argv.indexOf('--model') + 1]).toBe('haiku')
  })
})
