/**
 * `cto logs`: the last tasks, one task, nothing yet (in-process). Piping a 5 MB task in and
 * interrupting it (a signal to a real process) is in logs.e2e.test.ts.
 */
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {startOpenAIServer, type OpenAIServer} from '../support/openai-server.js'
import {externalModelsOn, isCto, isReview, jsonReply} from '../task/task-helpers.js'
import type {LogsJson} from './logs-json.js'

let sb: Sandbox
let server: OpenAIServer | undefined
beforeEach(async () => {
  sb = await makeInProcessSandbox()
  await mkdir(join(sb.home, 'work'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await sb.cleanup()
})

const configure = () => externalModelsOn(sb, server?.baseURL, {deepseek: {}})

describe('cto logs', () => {
  it('--help states the default of -n once', async () => {
    const r = await sb.run(['logs', '--help'])
    expect(r.code, r.stderr).toBe(0)
    const line = r.stdout.split('\n').find((l) => l.includes('-n, --count='))
    expect(line?.trim()).toMatch(/^-n, --count=<value>\s+\[default: 3\] How many of the last tasks\.$/)
    expect(line?.match(/default/g)).toHaveLength(1)
  })


  it("shows a model's control characters, never sends them to the terminal: an answer holding escape sequences (OSC 52 writes the clipboard)", async () => {
    const hostile = 'Done.\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007\u001b[1A\u001b[2K✔ approved'
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 9, feedback: 'fine'})
        if (isCto(r)) return jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'x'})
        return {content: hostile}
      },
    })
    const env = await configure()
    expect((await sb.run(['task', 'a question'], {env, cwd: join(sb.home, 'work')})).code).toBe(0)
    const human = await sb.run(['logs', '-n', '1'])
    expect(human.code, human.stderr).toBe(0)
    // eslint-disable-next-line no-control-regex
    expect(human.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
    expect(human.stdout).toContain('Done.␛]52;c;Y3VybCBldmlsIHwgc2g=␇␛[1A␛[2K✔ approved')
    // --json keeps the answer as it was (JSON escapes it).
    const json = await sb.json<LogsJson>(['logs', '-n', '1'])
    expect(json.tasks[0].answer).toBe(hostile)
  })

  it('the last tasks with -n, one with --task (an id prefix), each with model, status, cost, time and answer', async () => {
    server = await startOpenAIServer({
      handler: (r) => {
        if (isReview(r)) return jsonReply({approved: true, quality: 9, feedback: 'fine'})
        if (isCto(r)) return jsonReply({complexity: 'simple', type: 'research', model: 'deepseek', reason: 'x'})
        // The task is the first paragraph of the worker's prompt (a note about its copy of the project follows).
        const q = String(r.body.messages.at(-1)?.content).split('\n\n')[0]
        return {content: `Answer to: ${q}`}
      },
    })
    const env = await configure()
    for (const q of ['first question?', 'second question?', 'third question?']) expect((await sb.run(['task', q], {env, cwd: join(sb.home, 'work')})).code).toBe(0)
    const two = await sb.json<LogsJson>(['logs', '-n', '2'])
    expect(two.tasks.map((t) => t.task)).toEqual(['second question?', 'third question?'])
    expect(two.tasks[1]).toMatchObject({status: 'completed', model: 'deepseek', answer: 'Answer to: third question?'})
    expect(two.tasks[1].events.map((e) => e.event)).toEqual(expect.arrayContaining(['task', 'classification', 'route', 'result']))
    const one = await sb.json<LogsJson>(['logs', '--task', two.tasks[0].id.slice(0, 8)])
    expect(one.tasks.map((t) => t.task)).toEqual(['second question?'])
    const human = await sb.run(['logs'])
    expect(human.stdout.match(/^# /gm)).toHaveLength(3)
    expect(human.stdout).toContain('## Answer\n\nAnswer to: first question?')
    const missing = await sb.run(['logs', '--task', 'nope', '--json'])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stdout).error.code).toBe('NO_SUCH_TASK')
  })

  it('says so when nothing is logged yet', async () => {
    const r = await sb.run(['logs'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('No tasks logged yet')
    expect((await sb.json<LogsJson>(['logs'])).tasks).toEqual([])
  })
})
