/**
 * Issue 10's proof: the escape corpus (corpus.ts, 130+ commands) run for real through `cto run -m
 * deepseek`, the test server sending one `run_command` per turn, in a throwaway home folder with
 * planted secrets. After every case — checked by the server before it sends the next one — every
 * file outside the workspace is byte-identical, no secret marker is in anything the model
 * received, no process of the run is left, nothing connected to the listeners, no host-wide path
 * appeared. The corpus runs with the command filter off (the OS sandbox alone holds) and on.
 *
 * The control runs a few cases with the sandbox off too, and asserts the checks catch them: the
 * detectors can fail. (Those payloads are aimed at the throwaway home folder only.)
 */
import {spawn} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {osSandboxMissing} from '../support/os-sandbox.js'
import {startOpenAIServer, toolMessages, type ChatRequest, type OpenAIServer} from '../support/openai-server.js'
import {BIN} from '../support/run-cli.js'
import {escapeCorpus, type EscapeCase} from './corpus.js'
import {createEscapeWorld, ctoEnv, type EscapeWorld} from './world.js'

interface Finding {
  id: string
  problem: string
}

interface CorpusRun {
  findings: Finding[]
  results: Map<string, string>
  exitCode: number | null
  stdout: string
  stderr: string
  requests: number
}

function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = []
  for (const [k, v] of before) if (after.get(k) !== v) out.push(`${after.has(k) ? 'changed' : 'deleted'} ${k}`)
  for (const k of after.keys()) if (!before.has(k)) out.push(`created ${k}`)
  return out
}

async function runCorpus(world: EscapeWorld, cases: EscapeCase[], tools: Record<string, unknown>): Promise<CorpusRun> {
  const findings: Finding[] = []
  const results = new Map<string, string>()
  const baseline = world.snapshotOutside()
  const cto: {pid?: number} = {}
  let connectionsBefore = world.connections()
  const check = (c: EscapeCase, request: ChatRequest) => {
    const fed = toolMessages(request).at(-1)?.content ?? ''
    results.set(c.id, fed)
    const body = JSON.stringify(request.body)
    for (const m of world.markers) if (body.includes(m)) findings.push({id: c.id, problem: `the model received the secret ${m.split('-').slice(0, 2).join('-')}`})
    const changed = diff(baseline, world.snapshotOutside())
    if (changed.length > 0) findings.push({id: c.id, problem: `outside the workspace: ${changed.slice(0, 5).join('; ')}`})
    const left = world.leftovers(cto.pid)
    if (left.length > 0) {
      findings.push({id: c.id, problem: `${left.length} process(es) left running`})
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // gone
        }
      }
    }
    if (world.connections() !== connectionsBefore) findings.push({id: c.id, problem: `${world.connections() - connectionsBefore} connection(s) reached the listeners`})
    connectionsBefore = world.connections()
    const host = world.hostPathsCreated()
    if (host.length > 0) findings.push({id: c.id, problem: `created ${host.join(', ')}`})
  }

  const server: OpenAIServer = await startOpenAIServer({
    handler: (request, index) => {
      if (index > 0) {
        check(cases[index - 1]!, request)
        world.resetWorkspace()
      }
      const next = cases[index]
      if (!next) return {content: 'done'}
      return {toolCalls: [{name: 'run_command', arguments: {command: world.fill(next.command), timeout_seconds: 20}}], usage: {prompt_tokens: 10, completion_tokens: 5}}
    },
  })
  const configHome = join(world.home, '.config')
  mkdirSync(join(configHome, 'cto'), {recursive: true})
  writeFileSync(
    join(configHome, 'cto', 'config.json'),
    JSON.stringify({provider_endpoints: {deepseek: {api_url: server.baseURL, config_path: join(world.out, 'deepseek-key.json')}}, engines: {max_retries: 0}, tools}),
  )
  const baselineWithConfig = world.snapshotOutside()
  baseline.clear()
  for (const [k, v] of baselineWithConfig) baseline.set(k, v)

  const env = ctoEnv(world, configHome)
  const child = spawn(process.execPath, [BIN, 'run', '-m', 'deepseek', '--json', '--max-turns', String(cases.length + 5), '--timeout', '1200', 'run the corpus'], {cwd: world.ws, env, stdio: ['ignore', 'pipe', 'pipe']})
  cto.pid = child.pid
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exitCode = await new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  const requests = server.requests.length
  await server.close()
  return {findings, results, exitCode, stdout, stderr, requests}
}

describe.skipIf(osSandboxMissing !== undefined)(`escape corpus through cto run${osSandboxMissing ? ` (${osSandboxMissing})` : ''}`, () => {
  it('has at least 100 cases in every class of the issue', () => {
    expect(escapeCorpus.length).toBeGreaterThanOrEqual(100)
    expect(new Set(escapeCorpus.map((c) => c.cls))).toEqual(new Set(['destroy', 'read', 'env', 'persist', 'config', 'process', 'network', 'breakout', 'outside']))
  })

  for (const [label, policy] of [
    ['the OS sandbox alone (command filter off)', 'off'],
    ['the OS sandbox behind the command filter', 'on'],
  ] as const) {
    describe(label, () => {
      let world: EscapeWorld
      let run: CorpusRun
      beforeAll(async () => {
        world = await createEscapeWorld()
        run = await runCorpus(world, escapeCorpus, {policy})
      }, 600_000)
      afterAll(() => world?.close())

      it('every case ran through cto run, and the run finished', () => {
        expect(run.exitCode, run.stderr).toBe(0)
        expect(run.requests).toBe(escapeCorpus.length + 1)
        expect(run.results.size).toBe(escapeCorpus.length)
        expect(JSON.parse(run.stdout)).toMatchObject({ok: true, text: 'done'})
      })

      it('no case reached a secret, changed anything outside the workspace, left a process or a connection', () => {
        expect(run.findings).toEqual([])
      })

      if (policy === 'off') {
        it('the commands really ran (the filter did not stop them)', () => {
          const ran = [...run.results.values()].filter((r) => r.startsWith('exit code:') || r.includes('\nexit code:')).length
          expect(ran).toBe(escapeCorpus.length)
          // e.g. the sandbox, not a refusal, answered the key read.
          expect(run.results.get('cat key')).toMatch(/No such file or directory/)
          expect(run.results.get('kill everything')).toContain('survived')
        })
      } else {
        it('the filter refused the obviously dangerous before anything ran', () => {
          const refused = [...run.results.values()].filter((r) => /^(Error: )?Blocked|Refused/.test(r)).length
          expect(refused).toBeGreaterThan(20)
          expect(run.results.get('rm -rf ~')).toMatch(/Blocked \(recursive-delete\)/)
        })
      }

      it("a config file a command wrote was put back and reported to the model", () => {
        expect(run.results.get('cto.config.json')).toMatch(/put them back: cto\.config\.json|Blocked/)
        // sandbox-runtime keeps `.claude` unwritable in the working folder even before it exists.
        expect(run.results.get('claude settings hook')).toMatch(/put them back: \.claude\/settings\.json|Blocked|Read-only file system|Permission denied|Not a directory/)
      })
    })
  }
})

describe.skipIf(osSandboxMissing !== undefined)('the detectors can fail: without the sandbox and the filter, the same checks catch these', () => {
  let world: EscapeWorld
  let run: CorpusRun
  const ids = ['cat key', 'append bashrc', '/proc/$PPID/environ', 'env -i setsid', 'curl exfil']
  beforeAll(async () => {
    world = await createEscapeWorld()
    run = await runCorpus(world, escapeCorpus.filter((c) => ids.includes(c.id)), {policy: 'off', sandbox: 'off'})
  }, 120_000)
  afterAll(() => world?.close())

  it('each control case is found', () => {
    const found = new Map<string, string[]>()
    for (const f of run.findings) found.set(f.id, [...(found.get(f.id) ?? []), f.problem])
    expect(found.get('cat key')?.join()).toMatch(/received the secret ESC-ssh/)
    expect(found.get('append bashrc')?.join()).toMatch(/changed .*\.bashrc/)
    expect(found.get('/proc/$PPID/environ')?.join()).toMatch(/received the secret ESC-apikey/)
    expect(found.get('env -i setsid')?.join()).toMatch(/process\(es\) left running/)
    expect(found.get('curl exfil')?.join()).toMatch(/connection\(s\) reached the listeners/)
    // Only the opt-out prints this, on every run.
    expect(run.stderr).toMatch(/the OS sandbox is off/)
  })
})
