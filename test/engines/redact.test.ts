import {describe, expect, it} from 'vitest'

import {redact} from '../../src/core/engines/redact.js'

describe('redact', () => {
  it.each([
    ['OpenAI key', 'Incorrect API key provided: sk-proj-abcdefghijklmnop1234', 'sk-proj-abcdefghijklmnop1234'],
    ['Anthropic key', 'key sk-ant-api03-AbCdEf0123456789_xyz rejected', 'sk-ant-api03-AbCdEf0123456789_xyz'],
    ['bearer header', 'Authorization: Bearer abc.def.ghi-0123456789', 'abc.def.ghi-0123456789'],
    ['api_key assignment', 'GET /x?api_key=Zz9Yy8Xx7Ww6 failed', 'Zz9Yy8Xx7Ww6'],
    ['JSON apiKey field', '{"apiKey": "hunter2hunter2"}', 'hunter2hunter2'],
    ['Google key', 'bad key AIzaSyA1234567890abcdefghijklmnopq', 'AIzaSyA1234567890abcdefghijklmnopq'],
    ['long opaque token', 'token 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a used', '3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a'],
  ])('masks a %s', (_name, text, secret) => {
    const out = redact(text)
    expect(out).not.toContain(secret)
    expect(out).toContain('[REDACTED]')
  })

  it("masks the model's own key wherever it appears, even when it looks like nothing", () => {
    expect(redact('the key was plainword123 ok', ['plainword123'])).toBe('the key was [REDACTED] ok')
  })

  it('leaves ordinary text, paths and short words alone', () => {
    const text = 'HTTP 500 from /v1/chat/completions at 127.0.0.1:4000: model deepseek-chat overloaded'
    expect(redact(text, ['abc', undefined])).toBe(text)
  })
})
