import {mkdtemp, mkdir, rm, symlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {loadFailureReason} from '../../src/core/plugins/load-failure.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cto-load-failure-'))
})
afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
})

const oclifMessage = (file: string, what: string) => `[MODULE_NOT_FOUND] import() failed to load ${file}: Cannot find ${what} imported from ${file}`

describe('loadFailureReason: what to do about a plugin that imports something not there', () => {
  it('installed from the registry or a tarball (its own folder): reinstall it', async () => {
    const root = join(dir, 'node_modules', 'cto-provider-x')
    await mkdir(root, {recursive: true})
    const hook = join(root, 'hooks', 'providers.js')
    expect(loadFailureReason({name: 'cto-provider-x', root, type: 'user'}, oclifMessage(hook, "package 'left-pad'"))).toBe(
      'it imports left-pad, which is missing: reinstall it with "cto plugins install cto-provider-x".',
    )
    expect(loadFailureReason({name: 'cto-provider-x', root, type: 'user'}, oclifMessage(hook, `module '${hook}'`))).toBe(
      'its file hooks/providers.js is not there: reinstall it with "cto plugins install cto-provider-x".',
    )
  })

  it('installed from a folder (a link to it): the fix is in that folder', async () => {
    const folder = join(dir, 'src', 'plugin')
    await mkdir(folder, {recursive: true})
    await mkdir(join(dir, 'node_modules'))
    const root = join(dir, 'node_modules', 'cto-provider-x')
    await symlink(folder, root)
    expect(loadFailureReason({name: 'cto-provider-x', root, type: 'user'}, oclifMessage(join(folder, 'hooks', 'providers.js'), "package '@cto-cli/provider-spec'"))).toBe(
      `it imports @cto-cli/provider-spec, which is not installed in ${folder} (cto uses that folder as it is): run "npm install" there.`,
    )
  })

  it('any other failure: no reason of its own (the message is the reason)', () => {
    expect(loadFailureReason({name: 'x', root: dir, type: 'user'}, 'boom: the hook threw')).toBeUndefined()
  })
})
