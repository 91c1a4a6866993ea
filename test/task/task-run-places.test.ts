/**
 * The task loop with fake places, engines and verification (in process, no servers): what it does
 * with a change it cannot read, a worker that changed nothing, an approved change that does not
 * apply, and a reviewer that must see the evidence.
 */
import {describe, expect, it} from 'vitest'

import {resolveConfig} from '../../src/core/config/effective.js'
import type {EngineRequest, EngineResult} from '../../src/core/engines/types.js'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import type {AttemptPlace, AttemptPlaces} from '../../src/core/task/attempt-place.js'
import {TaskRun} from '../../src/core/task/task-run.js'
import type {VerificationOutcome} from '../../src/core/task/verification.js'
import type {AttemptChange} from '../../src/core/workspace/attempt-workspace.js'
import {randomFromSeed} from '../../src/core/router/seeded-random.js'
import {testModel} from '../support/test-model.js'

const models = ['alpha', 'beta', 'gamma'].map((name) => testModel({name}))
const catalog = {models: models.map((m) => ({...m, plugin: m.plugin})), plugins: [], broken: [], notices: []}
const config = resolveConfig([{kind: 'user', source: 'test', data: {cto_model: 'alpha', fallback_chain: {alpha: ['beta', 'gamma'], beta: ['gamma']}}} as never], catalog as never, {}).config

const change = (files: string[]): AttemptChange => ({
  patch: Buffer.from('p'),
  text: files.map((f) => `diff --git a/${f} b/${f}\n+x\n`).join(''),
  files: files.map((path) => ({path, status: 'modified' as const, added: 1, removed: 0})),
  added: files.length,
  removed: 0,
  dropped: [],
  patchFile: '/tasks/t/change.patch',
  diffFile: '/tasks/t/change.diff',
})

interface Script {
  change: (step: number) => AttemptChange | Error
  apply?: (step: number) => {applied: true} | {applied: false; reason: string}
}

function fakePlaces(s: Script, log: string[]): AttemptPlaces {
  return {
    async prepare(step) {
      log.push(`prepare ${step}`)
      const place: AttemptPlace = {
        placement: 'copy',
        root: `/copy/${step}`,
        cwd: `/copy/${step}`,
        projectRoot: `/copy/${step}`,
        readOnlyPaths: [],
        files: {dir: `/tasks/t/attempt-${step + 1}`, patch: 'p', diff: 'd', verifyLog: `/tasks/t/attempt-${step + 1}/verify.log`, meta: 'm'},
        worker: {copy: `/copy/${step}`, original: '/project'},
        notes: [],
        async collectChange() {
          const c = s.change(step)
          if (c instanceof Error) throw c
          return c
        },
        applyChange: async () => {
          log.push(`apply ${step}`)
          return s.apply?.(step) ?? {applied: true}
        },
        keep: async () => undefined,
        dispose: async () => void log.push(`dispose ${step}`),
      }
      return place
    },
  }
}

function run(script: Script, review: (prompt: string) => boolean) {
  const log: string[] = []
  const reviews: string[] = []
  const verified: number[] = []
  const engine = async (req: EngineRequest, place?: AttemptPlace): Promise<EngineResult> => {
    const base = {usage: {input_tokens: 10, output_tokens: 5}, cost_usd: 0, duration_ms: 1, turns: 1, tool_calls: []}
    if (req.system?.startsWith('You are the CTO reviewing')) {
      reviews.push(req.prompt)
      return {...base, ok: true, text: JSON.stringify({approved: review(req.prompt), quality: 5, feedback: 'verdict'})}
    }
    log.push(`worker ${req.model.name} in ${place?.cwd}`)
    return {...base, ok: true, text: 'done'}
  }
  const t = new TaskRun({
    task: 'fix it',
    config,
    models,
    perf: new MemoryPerfStore(),
    runEngine: engine,
    random: randomFromSeed(1),
    workspace: '/project',
    flags: {model: 'alpha', type: 'coding', complexity: 'moderate'},
    places: fakePlaces(script, log),
    verify: async ({place}): Promise<VerificationOutcome> => {
      verified.push(Number(place.cwd.split('/').pop()))
      return {ran: true, command: 'npm test', cwd: place.cwd, source: 'package.json', exit_code: 1, passed: false, timed_out: false, duration_ms: 5, output: 'not ok 1'}
    },
  })
  return {t, log, reviews, verified}
}

async function drive(t: TaskRun): Promise<void> {
  await t.classify()
  t.route()
  while (t.pending) await t.attempt()
}

describe('TaskRun with attempt places', () => {
  it('a change that cannot be read fails the attempt (nothing applied) and the next model starts in a new place', async () => {
    const {t, log, verified} = run({change: (step) => (step === 0 ? new Error('snapshot gone') : change(['a.txt']))}, () => true)
    await drive(t)
    const r = t.result()
    expect(r.status).toBe('completed')
    expect(r.attempts.map((a) => [a.model, a.change?.files_changed ?? null])).toEqual([
      ['alpha', null],
      ['beta', 1],
    ])
    expect(log).toEqual(['prepare 0', 'worker alpha in /copy/0', 'dispose 0', 'prepare 1', 'worker beta in /copy/1', 'apply 1', 'dispose 1'])
    expect(verified).toEqual([1])
    expect(r.notes.join(' ')).toMatch(/Could not read what alpha changed.*snapshot gone/)
  })

  it('does not run the tests when nothing changed, and says so to the reviewer; nothing to apply', async () => {
    const {t, log, reviews, verified} = run({change: () => change([])}, () => true)
    await drive(t)
    expect(verified).toEqual([])
    expect(reviews[0]).toContain('Files changed: none.')
    expect(reviews[0]).toContain('Verification: not run: the worker changed no files.')
    expect(log).not.toContain('apply 0')
    expect(t.result().attempts[0].verification).toMatchObject({ran: false, reason: 'the worker changed no files'})
  })

  it('an approved change that does not apply stops the task as a conflict: no further attempt', async () => {
    const {t, log} = run({change: () => change(['a.txt']), apply: () => ({applied: false, reason: 'patch failed: a.txt:1'})}, () => true)
    await drive(t)
    const r = t.result()
    expect(r.status).toBe('conflict')
    expect(r.conflict).toEqual({attempt: 1, reason: 'patch failed: a.txt:1', patch: '/tasks/t/change.patch'})
    expect(r.attempts).toHaveLength(1)
    expect(r.attempts[0].change?.applied).toBe(false)
    expect(log.filter((l) => l.startsWith('prepare'))).toEqual(['prepare 0'])
  })

  it('the reviewer sees the failing verification, and models that only fail their tests end blocked', async () => {
    const {t, reviews} = run({change: () => change(['a.txt'])}, (p) => !p.includes('FAILED'))
    await drive(t)
    expect(reviews[0]).toContain('Verification: `npm test` (package.json) FAILED: exit code 1')
    expect(t.result().status).toBe('blocked')
  })
})
