/**
 * An attempt whose kept files can't be saved (its task folder deleted while it ran, or a file in
 * the way) with the real attempt copies in a throwaway folder and a fake worker doing the damage.
 * The attempt stays in the result and the performance store, and the task stops with an error
 * naming the folder and the cause: it never runs the same model again as a phantom next attempt.
 */
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {resolveConfig} from '../../src/core/config/effective.js'
import type {EngineRequest, EngineResult} from '../../src/core/engines/types.js'
import {MemoryPerfStore} from '../../src/core/replay/memory-perf-store.js'
import {createAttemptCopies, type AttemptPlace} from '../../src/core/task/attempt-place.js'
import {runWithProgress, type ProgressMode} from '../../src/core/task/progress.js'
import {TaskRun} from '../../src/core/task/task-run.js'
import {randomFromSeed} from '../../src/core/router/seeded-random.js'
import type {AttemptRecord} from '../../src/core/store/types.js'
import {testModel} from '../support/test-model.js'

const models = ['alpha', 'beta'].map((name) => testModel({name}))
const catalog = {models, plugins: [], broken: [], notices: []}
const config = resolveConfig([{kind: 'user', source: 'test', data: {cto_model: 'alpha', fallback_chain: {alpha: ['beta']}}} as never], catalog as never, {}).config

let home: string
let workspace: string
let taskDir: string
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cto-attempt-files-'))
  workspace = join(home, 'project')
  taskDir = join(home, 'data', 'tasks', 'task-1')
  await mkdir(workspace)
  await writeFile(join(workspace, 'notes.txt'), 'first\n')
})
afterEach(async () => {
  await rm(home, {recursive: true, force: true})
})

/** A task whose worker writes notes.txt in its copy and then does `damage`; the CTO reviews with `approve`. */
function task(damage: (place: AttemptPlace) => Promise<void>, approve: boolean) {
  const workers: string[] = []
  const records: AttemptRecord[] = []
  const store = new MemoryPerfStore()
  const engine = async (req: EngineRequest, place?: AttemptPlace): Promise<EngineResult> => {
    const base = {usage: {input_tokens: 10, output_tokens: 5}, cost_usd: 0, duration_ms: 1, turns: 1, tool_calls: []}
    if (req.system?.startsWith('You are the CTO reviewing')) return {...base, ok: true, text: JSON.stringify({approved: approve, quality: approve ? 8 : 3, feedback: 'verdict'})}
    workers.push(req.model.name)
    await writeFile(join(req.workspace, 'notes.txt'), `by ${req.model.name}\n`)
    if (place) await damage(place)
    return {...base, ok: true, text: 'done'}
  }
  const run = new TaskRun({
    id: 'task-1',
    task: 'write the notes',
    config,
    models,
    perf: store,
    runEngine: engine,
    places: createAttemptCopies({workspace, taskDir, env: {...process.env, HOME: home}, copyIgnored: []}),
    taskDir,
    record: async (a) => {
      records.push(a)
      store.record(a)
    },
    random: randomFromSeed(1),
    workspace,
    flags: {model: 'alpha', type: 'coding', complexity: 'moderate'},
  })
  return {run, workers, records}
}

const progress = (mode: ProgressMode) => ({mode, dryRun: false, maxAttempts: 3, setEventSink: () => {}})

describe('an attempt whose files cannot be saved', () => {
  it.each(['tty', 'silent'] as const)('task folder deleted mid-attempt (%s progress): the task stops with an error naming the folder and cause; no phantom rerun, the attempt recorded', async (mode) => {
    const {run, workers, records} = task(() => rm(taskDir, {recursive: true, force: true}), true)
    const failure = await runWithProgress(run, progress(mode)).then(
      () => undefined,
      (error: unknown) => error as {code?: string; message: string; actions?: string[]},
    )
    expect(failure, `the task went on: ${JSON.stringify(run.result().attempts.map((a) => a.model))}`).toBeDefined()
    expect(failure?.code).toBe('ATTEMPT_FILES_NOT_SAVED')
    expect(failure?.message).toContain(join(taskDir, 'attempt-1'))
    expect(failure?.message).toContain('ENOENT')
    expect(failure?.actions?.join(' ')).toContain(taskDir)
    // One attempt, by the model that ran: not a second "alpha", nor an escalation into the same broken folder.
    expect(workers).toEqual(['alpha'])
    expect(run.result().attempts.map((a) => a.model)).toEqual(['alpha'])
    expect(records.map((r) => [r.model, r.approved])).toEqual([['alpha', true]])
    // The change was lost with the folder, and the note says so: not "git is not installed".
    const notes = run.result().notes.join('\n')
    expect(notes).toContain(`Could not read what alpha changed in its copy`)
    expect(notes).toContain(`${join(taskDir, 'attempt-1', 'work')} is not there`)
    expect(notes).not.toContain('git is not installed')
    // Nothing reached the user's folder.
    expect(await readFile(join(workspace, 'notes.txt'), 'utf8')).toBe('first\n')
  })

  it("attempt.json can't be written and the attempt was rejected: the task stops there, with the attempt recorded", async () => {
    const {run, workers, records} = task(async (place) => void (await mkdir(place.files?.meta as string, {recursive: true})), false)
    await expect(runWithProgress(run, progress('silent'))).rejects.toMatchObject({code: 'ATTEMPT_FILES_NOT_SAVED', message: expect.stringContaining('EISDIR')})
    expect(workers).toEqual(['alpha'])
    expect(records.map((r) => [r.model, r.approved])).toEqual([['alpha', false]])
    // The patch, written before, is kept.
    expect(await readFile(join(taskDir, 'attempt-1', 'change.patch'), 'utf8')).toContain('+by alpha')
  })

  it("attempt.json can't be written after an approved change was applied: the task is done, and a note says what was not kept", async () => {
    const {run, workers, records} = task(async (place) => void (await mkdir(place.files?.meta as string, {recursive: true})), true)
    await runWithProgress(run, progress('silent'))
    const r = run.result()
    expect(r.status).toBe('completed')
    expect(workers).toEqual(['alpha'])
    expect(await readFile(join(workspace, 'notes.txt'), 'utf8')).toBe('by alpha\n')
    expect(records.map((x) => [x.model, x.approved])).toEqual([['alpha', true]])
    expect(r.notes.join('\n')).toMatch(new RegExp(`Could not save attempt 1 \\(alpha\\)'s files in ${join(taskDir, 'attempt-1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*EISDIR`))
  })
})
