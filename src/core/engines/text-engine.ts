/**
 * The `text` engine: one chat completion, no tools. Research-only models, and CTO calls that must
 * not act (classification, review).
 */
import type {ChatCompletionMessageParam} from 'openai/resources/chat/completions'

import {finishAttempt, startAttempt} from './attempt.js'
import {resolveChatOptions, type ChatEngineOptions} from './chat-engine-options.js'
import {chatCompletion, openChatSession} from './openai-chat.js'
import type {Engine, EngineRequest, EngineResult} from './types.js'

export type TextEngineOptions = ChatEngineOptions

export function initialMessages(request: EngineRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = []
  if (request.system) messages.push({role: 'system', content: request.system})
  messages.push({role: 'user', content: request.prompt})
  return messages
}

export function createTextEngine(options: TextEngineOptions = {}): Engine {
  const opts = resolveChatOptions(options)
  return {
    kind: 'text',
    async run(request: EngineRequest): Promise<EngineResult> {
      const attempt = startAttempt(request, opts.now)
      const onEvent = request.onEvent
      try {
        const session = await openChatSession(request.model, opts.requestTimeoutMs)
        onEvent?.({type: 'turn', turn: 1})
        const reply = await chatCompletion(session, {
          messages: initialMessages(request),
          responseFormat: request.responseFormat,
          onText: onEvent ? (delta) => onEvent({type: 'text', delta}) : undefined,
          signal: attempt.signal,
          ...opts,
          onEvent,
        })
        return finishAttempt(request, attempt, {text: reply.content, usage: reply.usage, turns: 1, tool_calls: []})
      } catch (error) {
        return finishAttempt(request, attempt, {text: '', usage: {input_tokens: 0, output_tokens: 0}, turns: 1, tool_calls: [], error})
      }
    },
  }
}
