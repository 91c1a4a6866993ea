/** The small things a careful user notices: counts in words, an export to a folder that isn't there. */
import {readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {classifyTask} from '../../src/core/router/heuristic-classifier.js'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'
import {makeAttempt} from '../store/fixtures/attempts.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeInProcessSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('small things', () => {
  it('says "1 word", "1 attempt": singular for one', async () => {
    expect(classifyTask('hi').reason).toContain('1 word,')
    expect(classifyTask('deploy it').reason).toMatch(/2 words, 0 steps, simple \(\d+ points?\)/)
    const file = join(sb.home, 'one.jsonl')
    await writeFile(file, `${JSON.stringify(makeAttempt(0, 1))}\n`)
    expect((await sb.run(['perf', 'import', file])).code).toBe(0)
    const perf = await sb.run(['perf'])
    expect(perf.stdout).toMatch(/\n1 attempt, \$/)
    expect(perf.stdout).not.toContain('1 attempts')
  })

  it('perf export to a folder that does not exist names the path given, not a temp file, and leaves nothing', async () => {
    const target = join(sb.home, 'no-such-dir', 'x.jsonl')
    const r = await sb.run(['perf', 'export', '-o', target])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`Cannot write ${target}: its folder ${join(sb.home, 'no-such-dir')} does not exist.`)
    expect(r.stderr).not.toMatch(/\.tmp-\d+/)
    expect(await readdir(sb.home)).not.toContain('no-such-dir')
  })
})
