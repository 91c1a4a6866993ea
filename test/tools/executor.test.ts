/**
 * The executor: whole process groups die on timeout (proved with a real file), output is capped.
 * Run twice: inside the OS sandbox (the default; skipped with the reason where it can't start) and
 * with `sandbox: "off"`, where only cto's own process-group and marker sweep stop escapees.
 */
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {osSandboxMissing} from '../support/os-sandbox.js'
import {OutputCap} from '../../src/core/tools/worker/output-cap.js'
import {effectiveTimeoutSeconds} from '../../src/core/tools/worker/run-command.js'
import {resolveToolPolicy} from '../../src/core/tools/policy/policy-schema.js'
import type {ToolResult} from '../../src/core/tools/types.js'
import {createWorld, type World} from './fixture.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const data = (r: ToolResult) => (r.ok ? (r.data ?? {}) : {}) as Record<string, unknown>

let world: World
describe.each([
  ['inside the OS sandbox', 'on'],
  ['without the OS sandbox', 'off'],
] as const)('timeouts kill the whole group (%s)', (_label, mode) => {
  beforeAll(() => {
    world = createWorld({policy: {sandbox: mode}})
  })
  afterAll(() => world.cleanup())
  const skip = mode === 'on' && osSandboxMissing !== undefined

  it.skipIf(skip)(`a grandchild that would write a file after the timeout never does (group, setsid escapee, leftover job)${skip ? ` (${osSandboxMissing})` : ''}`, async () => {
    const files = ['grandchild.txt', 'escapee.txt', 'leftover.txt'].map((f) => join(world.ws, f))
    const [timedOut, escaped, leftover] = await Promise.all([
      // A grandchild in the group, the parent sleeping past the timeout.
      world.runner.execute('run_command', JSON.stringify({command: `(sleep 2; echo late > grandchild.txt) & sleep 60`, timeout_seconds: 1})),
      // A grandchild that left the group with setsid: found by the run marker.
      world.runner.execute('run_command', JSON.stringify({command: `setsid sh -c 'sleep 2; echo late > escapee.txt' & sleep 60`, timeout_seconds: 1})),
      // A background job still running when the command itself ends.
      world.runner.execute('run_command', JSON.stringify({command: `(sleep 2; echo late > leftover.txt) & echo started`})),
    ])
    expect(data(timedOut).timed_out).toBe(true)
    expect(timedOut.ok && timedOut.content).toMatch(/Timed out after 1 s/)
    expect(data(escaped).timed_out).toBe(true)
    expect(data(leftover).timed_out).toBe(false)
    expect(data(leftover).stdout).toBe('started\n')
    await sleep(3000) // past the grandchildren's 2 s delay
    for (const f of files) expect(existsSync(f), f).toBe(false)
  })

  it.skipIf(skip)('the same grandchild does write its file when nothing kills it (the test can fail)', async () => {
    expect(data(await world.runner.execute('run_command', JSON.stringify({command: 'true'}))).sandbox).toBe(mode === 'on' ? 'os' : 'off')
    const r = await world.runner.execute('run_command', JSON.stringify({command: `(sleep 0.3; echo late > control.txt) & sleep 1`, timeout_seconds: 5}))
    expect(data(r).exit_code).toBe(0)
    expect(readFileSync(join(world.ws, 'control.txt'), 'utf8')).toBe('late\n')
    rmSync(join(world.ws, 'control.txt'))
  })

  it.skipIf(skip)('an abort signal kills the command', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 300)
    const r = await world.runner.execute('run_command', JSON.stringify({command: 'sleep 30'}), {signal: ac.signal})
    expect(data(r).aborted).toBe(true)
    expect(data(r).exit_code).toBe(null)
  })

  it('timeouts default to 120 s and never exceed 300 s whatever the model asks', () => {
    const ctx = {policy: resolveToolPolicy({})}
    expect(effectiveTimeoutSeconds(undefined, ctx)).toBe(120)
    expect(effectiveTimeoutSeconds(1000, ctx)).toBe(300)
    expect(effectiveTimeoutSeconds(5, ctx)).toBe(5)
    expect(effectiveTimeoutSeconds(1000, {policy: resolveToolPolicy({max_timeout_seconds: 60})})).toBe(60)
    expect(() => resolveToolPolicy({max_timeout_seconds: 301})).toThrow()
  })
})

describe('output cap', () => {
  beforeAll(() => {
    world = createWorld({policy: {sandbox: 'off'}})
  })
  afterAll(() => world.cleanup())
  it('keeps head and tail and states the cut size', () => {
    const cap = new OutputCap(10)
    cap.push(Buffer.from('0123456789abcdefghij'))
    expect(cap.cut).toBe(10)
    expect(cap.toString()).toBe('01234\n[… 10 bytes cut (of 20); the start and the end are kept …]\nfghij')
    const small = new OutputCap(100)
    small.push(Buffer.from('short'))
    expect(small.toString()).toBe('short')
  })

  it('a long output through run_command is cut in the middle', async () => {
    const r = await world.runner.execute('run_command', JSON.stringify({command: 'seq 1 20000'}))
    const d = data(r)
    expect(String(d.stdout)).toMatch(/^1\n2\n3\n/)
    expect(String(d.stdout)).toMatch(/19999\n20000\n$/)
    expect(Number(d.stdout_cut_bytes)).toBeGreaterThan(0)
    expect(String(d.stdout)).toContain(`${d.stdout_cut_bytes} bytes cut`)
  })
})

