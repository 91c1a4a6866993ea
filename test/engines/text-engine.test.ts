import {describe, expect, it} from 'vitest'

import {createTextEngine} from '../../src/core/engines/text-engine.js'
import {startOpenAIServer} from '../support/openai-server.js'
import {testModel} from '../support/test-model.js'

describe('text engine', () => {
  it('makes one completion without tools and prices the usage', async () => {
    const server = await startOpenAIServer({script: [{content: 'Paris.', usage: {prompt_tokens: 500_000, completion_tokens: 250_000}}]})
    try {
      const model = testModel({baseURL: server.baseURL, engine: 'text', pricing: {inputPerMTok: 0.27, outputPerMTok: 1.1}, maxTokens: 256, temperature: 0.2})
      const result = await createTextEngine().run({model, prompt: 'Capital of France?', system: 'Be brief.', workspace: '/nonexistent'})
      expect(result).toMatchObject({ok: true, text: 'Paris.', turns: 1, tool_calls: []})
      expect(result.usage).toEqual({input_tokens: 500_000, output_tokens: 250_000})
      // 0.5 × 0.27 + 0.25 × 1.1
      expect(result.cost_usd).toBeCloseTo(0.41, 10)
      expect(result.duration_ms).toBeGreaterThanOrEqual(0)
      expect(server.requests).toHaveLength(1)
      const body = server.requests[0].body
      expect(body.tools).toBeUndefined()
      expect(body.stream).toBeFalsy()
      expect(body.messages).toEqual([
        {role: 'system', content: 'Be brief.'},
        {role: 'user', content: 'Capital of France?'},
      ])
      expect(body).toMatchObject({model: 'test-model-1', max_tokens: 256, temperature: 0.2})
    } finally {
      await server.close()
    }
  })

  it('streams the answer when asked', async () => {
    const server = await startOpenAIServer({script: [{content: 'A long streamed answer in several pieces.'}]})
    try {
      const deltas: string[] = []
      const result = await createTextEngine().run({
        model: testModel({baseURL: server.baseURL}),
        prompt: 'stream please',
        workspace: '/nonexistent',
        onEvent: (e) => {
          if (e.type === 'text') deltas.push(e.delta)
        },
      })
      expect(result.text).toBe('A long streamed answer in several pieces.')
      expect(deltas.length).toBeGreaterThan(2)
      expect(deltas.join('')).toBe(result.text)
      expect(result.usage).toEqual({input_tokens: 100, output_tokens: 20})
    } finally {
      await server.close()
    }
  })

  it("does not send the user's OpenAI organization or project to other providers", async () => {
    const server = await startOpenAIServer({script: [{content: 'fine'}]})
    const saved = {org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID}
    process.env.OPENAI_ORG_ID = 'org-user'
    process.env.OPENAI_PROJECT_ID = 'proj-user'
    try {
      const result = await createTextEngine().run({model: testModel({baseURL: server.baseURL}), prompt: 'x', workspace: '/nonexistent'})
      expect(result.ok).toBe(true)
      expect(server.requests[0].headers['openai-organization']).toBeUndefined()
      expect(server.requests[0].headers['openai-project']).toBeUndefined()
    } finally {
      if (saved.org === undefined) delete process.env.OPENAI_ORG_ID
      else process.env.OPENAI_ORG_ID = saved.org
      if (saved.project === undefined) delete process.env.OPENAI_PROJECT_ID
      else process.env.OPENAI_PROJECT_ID = saved.project
      await server.close()
    }
  })

  it('works without a key for local models', async () => {
    const server = await startOpenAIServer({script: [{content: 'local'}]})
    try {
      const result = await createTextEngine().run({
        model: testModel({baseURL: server.baseURL, apiKey: undefined, needsKey: false, pricing: {inputPerMTok: 0, outputPerMTok: 0}}),
        prompt: 'x',
        workspace: '/nonexistent',
      })
      expect(result).toMatchObject({ok: true, text: 'local', cost_usd: 0})
    } finally {
      await server.close()
    }
  })
})
