import {join} from 'node:path'
import {mkdir} from 'node:fs/promises'
/**
 * Budgets count every token cto spends: the CTO's classification and reviews, a dry run's
 * classification included; and a dry run says when it asked the CTO and what that cost.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {isClassification, isReview, jsonReply, KEY} from './task-helpers.js'

interface StatusJson {
  budgets: Record<'claude' | 'external', {used_today: number; budget: number}>
}
interface TaskJson {
  status: string
  route: {selected: string}
  usage: {input_tokens: number; output_tokens: number}
  cto: {model: string; calls: number; usage: {input_tokens: number; output_tokens: number}; cost_usd: number}
}

let sb: Sandbox
let server: OpenAIServer
beforeEach(async () => {
  sb = await makeInProcessSandbox()
  // Tasks whose worker can change files run in a copy of a project: not of the home folder.
  await mkdir(join(sb.home, 'work'), {recursive: true})
  server = await startOpenAIServer({
    handler: (r) => {
      if (isReview(r)) return jsonReply({approved: true, quality: 8, feedback: 'ok'}, {prompt_tokens: 300, completion_tokens: 40})
      if (isClassification(r)) return jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'x'}, {prompt_tokens: 100, completion_tokens: 20})
      return {content: 'an answer', usage: {prompt_tokens: 50, completion_tokens: 5}}
    },
  })
})
afterEach(async () => {
  await server.close()
  await sb.cleanup()
})

async function configure(budget?: number): Promise<NodeJS.ProcessEnv> {
  await sb.writeUserConfig({
    provider_endpoints: {deepseek: {api_url: server.baseURL}},
    engines: {max_retries: 0},
    ...(budget === undefined ? {} : {cost_optimization: {token_budget_per_day: {external: budget}}}),
  })
  return {DEEPSEEK_API_KEY: KEY}
}

describe('budgets count the CTO', () => {
  it('a dry run says it asked the CTO and what it cost, and those tokens count today', async () => {
    const env = await configure()
    const human = await sb.run(['task', '--dry-run', 'what is a monad?'], {env})
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/Dry run\s+no worker ran and nothing went into the performance store; classifying asked the CTO deepseek: 120 tokens, \$0\.0000\d+ \(counted in today's budget\)\./)
    const json = await sb.json<TaskJson>(['task', '--dry-run', 'what is a monad?'], {env})
    expect(json.cto).toMatchObject({model: 'deepseek', calls: 1, usage: {input_tokens: 100, output_tokens: 20}})
    const status = await sb.json<StatusJson>(['status'], {env})
    expect(status.budgets.external.used_today).toBe(240)
  })

  it("a task's tokens today are the worker's and the CTO's (classification and review)", async () => {
    const env = await configure()
    const t = await sb.json<TaskJson>(['task', 'what is a monad?'], {env, cwd: join(sb.home, 'work')})
    expect(t.status).toBe('completed')
    expect(t.cto.calls).toBe(2)
    const total = t.usage.input_tokens + t.usage.output_tokens
    expect(total).toBe(120 + 340 + 55)
    const status = await sb.json<StatusJson>(['status'], {env})
    expect(status.budgets.external.used_today).toBe(total)
  })

  it('the CTO\'s tokens can put a group over its budget, and the router then keeps away from it', async () => {
    const env = await configure(200)
    const first = await sb.json<TaskJson>(['task', '--dry-run', 'what is a monad?'], {env})
    expect(first.route.selected).toBe('deepseek')
    // 2 × 120 CTO tokens against a budget of 200: the second classification puts external models over it.
    const second = await sb.json<TaskJson>(['task', '--dry-run', 'what is a monad?'], {env})
    expect(['haiku', 'sonnet', 'opus']).toContain(second.route.selected)
  })
})
