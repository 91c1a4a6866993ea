/**
 * What `cto task` tells the user when things go wrong, read as a user reads it: why a task was
 * blocked and what to do about it, what the classification line shows when there is no CTO, each
 * thing said once and punctuated once. The models are served by the test server on 127.0.0.1 (the
 * real openai SDK talks to it) or by a port where nothing listens.
 */
import {closedPort} from '../support/http-helpers.js'
import {mkdir, rm} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {externalModelsOn, isClassification, isReview, jsonReply, KEY} from './task-helpers.js'

interface TaskJson {
  status: string
  classification: {model: string; source: string}
  route: {cto_choice: string; selected: string; override_reason: string | null}
  attempts: Array<{model: string; ok: boolean; approved: boolean | null; unavailable: {code: string} | null}>
  blocked_reason: string | null
  notes: string[]
}

let sb: Sandbox
let server: OpenAIServer | undefined
let work: string
beforeEach(async () => {
  sb = await makeInProcessSandbox()
  work = join(sb.home, 'work')
  await mkdir(work)
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

describe('why a task was blocked', () => {
  it('every endpoint down, every model enabled with a key: the reason names the endpoint that did not answer and the fix, once', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/v1`
    const env = await externalModelsOn(sb, down, {deepseek: {}, minimax: {}})
    const r = await sb.run(['task', '--json', 'fix add so that npm test passes'], {env, cwd: work})
    expect(r.code, r.stderr).toBe(2)
    const t = JSON.parse(r.stdout) as TaskJson
    expect(t.status).toBe('blocked')
    expect(t.blocked_reason).not.toContain('has a key')
    expect(t.blocked_reason).toMatch(new RegExp(`^no model is left to try: deepseek, minimax can't be used: nothing answers at ${down.replaceAll('.', '\\.')} \\(connection refused\\); `))
    expect(t.blocked_reason).toContain('Start the server, or set the endpoint: cto config set provider_endpoints.deepseek.api_url <url>.')
    expect(t.blocked_reason).toContain('Start the server, or set the endpoint: cto config set provider_endpoints.minimax.api_url <url>.')

    // As a first run again: the refusals the first one recorded would keep both models off the route.
    await rm(join(sb.dataHome, 'cto', 'availability.jsonl'))
    const human = await sb.run(['task', 'fix add so that npm test passes'], {env, cwd: work})
    expect(human.code, human.stderr).toBe(2)
    expect(human.stdout).toMatch(/^Result {10}blocked · /m)
    expect(human.stdout).toMatch(/^Blocked {9}no model is left to try: /m)
    // Each fix once in the whole summary (the reason says it; no note repeats it).
    expect(human.stdout.split('provider_endpoints.minimax.api_url')).toHaveLength(2)
    expect(human.stdout.split('provider_endpoints.deepseek.api_url')).toHaveLength(2)
  })
})

describe('blocked after the attempts a task may make', () => {
  it('three rejections: "Blocked  3 attempts failed, the most one task makes", in the summary and in cto logs, without "blocked (blocked … (limit 3))"', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: false, quality: 2, feedback: 'not what was asked'})
        if (isClassification(r)) return jsonReply({complexity: 'simple', type: 'analysis', model: 'deepseek', reason: 'short'})
        return {content: `an answer from ${r.body.model}`}
      },
    })
    const env = await externalModelsOn(sb, server.baseURL, {deepseek: {}, minimax: {}, 'gpt-4': {}})
    const r = await sb.run(['task', 'summarise the pricing page'], {env: {...env, OPENAI_API_KEY: KEY}, cwd: work})
    expect(r.code, r.stderr).toBe(2)
    expect(r.stdout).toContain('\nResult          blocked · ')
    expect(r.stdout).toContain('\nBlocked         3 attempts failed, the most one task makes\n')
    const logs = await sb.run(['logs', '-n', '1'], {env})
    expect(logs.stdout).toContain('Blocked: 3 attempts failed, the most one task makes')
    expect(`${r.stdout}${logs.stdout}`).not.toMatch(/blocked \(blocked|Blocked: blocked|\(limit 3\)/i)
  })
})

describe('each thing said once, punctuated once', () => {
  it('the CTO is down: one note says why and the fix, the reviews point back to it, and no ".:" or ".)" anywhere', async () => {
    server = await startOpenAIServer({handler: (r) => ({content: `an answer from ${r.body.model}`})})
    const down = `http://127.0.0.1:${await closedPort()}/v1`
    const env = await externalModelsOn(sb, server.baseURL, {minimax: {}}, {provider_endpoints: {deepseek: {api_url: down}, minimax: {api_url: server.baseURL}}})
    const r = await sb.run(['task', 'summarise the pricing page'], {env: {...env, DEEPSEEK_API_KEY: KEY}, cwd: work})
    expect(r.code, r.stderr).toBe(0)
    const notes = r.stdout.split('\n').filter((l) => l.startsWith('Note '))
    expect(notes.filter((n) => n.includes('nothing answers at'))).toEqual([
      `Note            CTO model deepseek can't be used: nothing answers at ${down} (connection refused), so the local heuristic classified the task. Start the server, or set the endpoint: cto config set provider_endpoints.deepseek.api_url <url>. Or make minimax the CTO: cto config set cto_model minimax.`,
    ])
    expect(notes).toContain("Note            Review of minimax's attempt unavailable, so its engine success counts: CTO model deepseek can't be used, as said above.")
    expect(r.stdout).not.toMatch(/\.[:)]/)
  })

  it('a connection that breaks: "could not reach … (Connection error: fetch failed: other side closed)", not "(Connection error.: fetch failed).)"', async () => {
    server = await startOpenAIServer({
      handler: (r) => (isClassification(r) ? jsonReply({complexity: 'simple', type: 'analysis', model: 'deepseek', reason: 'short'}) : {drop: 'before-response'}),
    })
    const env = await externalModelsOn(sb, server.baseURL, {deepseek: {}, minimax: {}})
    const r = await sb.run(['task', 'summarise the pricing page'], {env, cwd: work})
    expect(r.code, r.stderr).toBe(2)
    const attempt = r.stdout.split('\n').find((l) => l.startsWith('Attempt 1 '))
    expect(attempt).toMatch(new RegExp(`· failed \\(connection_error\\): could not reach ${server.baseURL.replaceAll('.', '\\.')} \\(Connection error: fetch failed: other side closed\\)$`))
    expect(r.stdout).not.toMatch(/\.[:)]/)
  })
})

describe('only a local model, no key for the CTO', () => {
  /** A PATH with node and the system tools but no `claude`: the Claude models can't be used. */
  const env = {PATH: `${dirname(process.execPath)}:/usr/bin:/bin`}

  it('status and the task suggest the local model as the CTO, and the progress shows no pick that cannot run', async () => {
    server = await startOpenAIServer({handler: () => ({content: 'an answer from the local model'})})
    await sb.writeUserConfig({providers: {ollama: {models: ['qwen2.5-coder:7b'], base_url: server.baseURL}}, engines: {max_retries: 0}})
    const fix = 'cto config set cto_model qwen2.5-coder:7b'

    const status = await sb.run(['status'], {env})
    expect(status.stdout.split('\n')[0]).toBe(`CTO model      deepseek (from default) — not usable yet: no key (cto keys set deepseek); routing falls back to the local heuristic, or make qwen2.5-coder:7b the CTO: ${fix}`)
    const json = await sb.json<{cto_model: {usable: boolean; alternative: string | null}}>(['status'], {env})
    expect(json.cto_model).toMatchObject({usable: false, alternative: 'qwen2.5-coder:7b'})

    const r = await sb.run(['task', 'summarise the pricing page'], {env, cwd: work})
    expect(r.code, r.stderr).toBe(0)
    // Not "CTO picks haiku (heuristic)": haiku can't run here, and there is no CTO.
    expect(r.stderr).toMatch(/^✔ Classify · \S+, \S+ · heuristic, no CTO$/m)
    expect(r.stderr).not.toContain('picks haiku')
    expect(r.stdout).toContain(`Note            CTO model deepseek has no key, so the local heuristic classified the task. Add its key: "cto keys set deepseek" or set DEEPSEEK_API_KEY. Or make qwen2.5-coder:7b the CTO: ${fix}.`)

    // Following the suggestion: the local model classifies, and nothing suggests it any more.
    const set = await sb.run(fix.split(' ').slice(1), {env})
    expect(set.code, set.stderr).toBe(0)
    const after = await sb.json<{cto_model: {name: string; usable: boolean; alternative: string | null}}>(['status'], {env})
    expect(after.cto_model).toMatchObject({name: 'qwen2.5-coder:7b', usable: true, alternative: null})
  })
})

describe('the CTO names a model by its provider model id', () => {
  it('"deepseek-chat" (deepseek\'s model id) and " DeepSeek " are deepseek, not "not a known model"', async () => {
    let answer = 'deepseek-chat'
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 8, feedback: 'fine'})
        if (isClassification(r)) return jsonReply({complexity: 'complex', type: 'analysis', model: answer, reason: 'long'})
        return {content: `an answer from ${r.body.model}`}
      },
    })
    const env = await externalModelsOn(sb, server.baseURL, {deepseek: {model_id: 'deepseek-chat'}, minimax: {model_id: 'MiniMax-M2'}})
    for (const a of ['deepseek-chat', ' DeepSeek ']) {
      answer = a
      const t = await sb.json<TaskJson>(['task', 'assess the architecture of the billing system'], {env, cwd: work})
      expect(t.classification.model, a).toBe('deepseek')
      expect(t.route, a).toMatchObject({cto_choice: 'deepseek', selected: 'deepseek', override_reason: null})
      expect(t.attempts.map((x) => x.model), a).toEqual(['deepseek'])
    }
    answer = 'minimax-m2'
    const t = await sb.json<TaskJson>(['task', 'assess the architecture of the billing system'], {env, cwd: work})
    expect(t.route).toMatchObject({cto_choice: 'minimax', selected: 'minimax'})
  })
})
