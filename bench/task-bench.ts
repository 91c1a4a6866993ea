/**
 * `cto task --json` against the test server answering at once, compared with a plain Node script
 * making the same HTTP calls with the openai SDK (bench/fixtures/plain-sdk.mjs), interleaved in the
 * same run. Target: ratio ≤ 1.5 on whole-process wall time. The task runs in a small git project
 * (the test fixture test/task/fixtures/calc), so the attempt's copy of it is part of what is timed.
 */
import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {execFileSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {startOpenAIServer} from '../test/support/openai-server.js'
import {timeCommands, type Timing} from './startup.js'

const ROOT = resolve(import.meta.dirname, '..')

export async function runTaskBench(rounds = 9): Promise<{timings: Timing[]; calls_per_task: number}> {
  const server = await startOpenAIServer({
    handler: (r) => {
      const system = r.body.messages.find((m) => m.role === 'system')?.content ?? ''
      if (String(system).startsWith('You are the CTO reviewing')) return {content: '{"approved": true, "quality": 8, "feedback": "ok"}'}
      if (String(system).startsWith('You are the CTO')) return {content: '{"complexity": "simple", "type": "analysis", "model": "deepseek", "reason": "bench"}'}
      return {content: 'The changelog lists three fixes.'}
    },
  })
  const home = mkdtempSync(join(tmpdir(), 'cto-task-bench-'))
  try {
    mkdirSync(join(home, '.config', 'cto'), {recursive: true})
    writeFileSync(join(home, '.config', 'cto', 'config.json'), JSON.stringify({provider_endpoints: {deepseek: {api_url: server.baseURL}}}))
    const env = {...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), DEEPSEEK_API_KEY: 'sk-bench-000000000000'}
    const project = join(home, 'calc')
    cpSync(join(ROOT, 'test', 'task', 'fixtures', 'calc'), project, {recursive: true})
    const who = {GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test'}
    execFileSync('bash', ['-c', 'git init -q -b main && git add -A && git commit -qm calc'], {cwd: project, env: {...env, ...who}})
    const before = server.requests.length
    const timings = await timeCommands(
      [
        {name: 'plain openai SDK script', argv: [process.execPath, join(ROOT, 'bench', 'fixtures', 'plain-sdk.mjs'), server.baseURL, 'sk-bench-000000000000'], env},
        {name: 'cto task --json', argv: [process.execPath, join(ROOT, 'bin', 'run.js'), 'task', '--json', '--seed', '1', 'summarise the changelog'], env, cwd: project},
        {name: 'cto task --json --in-place (no copy)', argv: [process.execPath, join(ROOT, 'bin', 'run.js'), 'task', '--json', '--in-place', '--seed', '1', 'summarise the changelog'], env, cwd: project},
      ],
      rounds,
    )
    return {timings, calls_per_task: (server.requests.length - before) / (3 * (rounds + 1))}
  } finally {
    await server.close()
    rmSync(home, {recursive: true, force: true})
  }
}
