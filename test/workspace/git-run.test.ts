/**
 * How cto's git runs report a failure to start: a missing git binary is "git is not installed"
 * (with the fix), a working folder deleted meanwhile (an attempt's copy, its task folder) names that folder.
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {git, gitOk} from '../../src/core/workspace/git.js'

let home: string
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cto-git-run-'))
})
afterEach(async () => {
  await rm(home, {recursive: true, force: true})
})

describe('git runs', () => {
  it('a working folder that is gone is named, not taken for git missing', async () => {
    const gone = join(home, 'attempt-1', 'work')
    const env = {...process.env, HOME: home}
    const r = await git(['status'], {cwd: gone, env, trust: 'untrusted'})
    expect(r.code).not.toBe(127)
    expect(r.stderr).toContain(gone)
    await expect(gitOk(['status'], {cwd: gone, env, trust: 'untrusted'}, 'read the copy')).rejects.toMatchObject({code: 'GIT_FAILED', message: expect.stringContaining(`the folder ${gone} is not there`)})
  })

  it('git missing from PATH is still "git is not installed"', async () => {
    await expect(gitOk(['status'], {cwd: home, env: {...process.env, HOME: home, PATH: join(home, 'no-bin')}, trust: 'untrusted'}, 'read the copy')).rejects.toMatchObject({code: 'GIT_NOT_FOUND'})
  })
})
