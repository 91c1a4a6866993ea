/**
 * `cto plugins --json` and `cto plugins inspect --json` are for scripts: a short document per
 * plugin, not oclif's Plugin objects (their manifests, options and package.json: ~5,000 lines for
 * `--core`), the same plugins the text lists; an unknown plugin is a usage error (64) naming the
 * closest one, with and without --json.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Sandbox} from '../support/run-cli.js'
import {makeInProcessSandbox} from '../support/run-cli-in-process.js'

let sb: Sandbox
beforeAll(async () => {
  sb = await makeInProcessSandbox()
})
afterAll(async () => {
  await sb.cleanup()
})

type Summary = {name: string; version: string; type: string; root?: string; commands: string[]; hooks: string[]; dependencies?: Record<string, {from?: string; version: string}>}

describe('cto plugins --json', () => {
  it('lists what the text lists: nothing installed, so an empty list; cto’s own with --core', async () => {
    const text = await sb.run(['plugins'])
    expect(text.stdout).toContain('No plugins installed.')
    expect(await sb.json(['plugins'])).toEqual([])
    const core = await sb.run(['plugins', '--core', '--json'])
    expect(core.code).toBe(0)
    expect(core.stdout.length).toBeLessThan(8_000)
    const list = JSON.parse(core.stdout) as Summary[]
    const kimi = list.find((p) => p.name === '@cto-cli/provider-kimi')
    expect(kimi).toMatchObject({type: 'core', commands: [], hooks: ['cto:providers']})
    expect(list.find((p) => p.name === 'cto-cli')?.commands).toContain('task')
    for (const p of list) expect(Object.keys(p).sort()).toEqual(['commands', 'hooks', 'name', 'root', 'type', 'version'])
  })

  it('inspect: one short document with the dependencies installed', async () => {
    const [kimi] = await sb.json<Summary[]>(['plugins', 'inspect', '@cto-cli/provider-kimi'])
    expect(kimi?.name).toBe('@cto-cli/provider-kimi')
    expect(kimi?.dependencies?.['@cto-cli/provider-spec']?.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(Object.keys(kimi ?? {}).sort()).toEqual(['commands', 'dependencies', 'hooks', 'name', 'root', 'type', 'version'])
  })

  it('inspect of a plugin that is not installed: exit 64, the closest name, with and without --json', async () => {
    const json = await sb.run(['plugins', 'inspect', '@cto-cli/provider-kimy', '--json'])
    expect(json.code).toBe(64)
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'NO_SUCH_PLUGIN',
        message: 'No plugin "@cto-cli/provider-kimy" is installed. Did you mean "@cto-cli/provider-kimi"?',
        actions: ['See the installed plugins with "cto plugins", and those cto comes with with "cto plugins --core".'],
      },
    })
    const text = await sb.run(['plugins', 'inspect', '@cto-cli/provider-kimy'])
    expect(text.code).toBe(64)
    expect(text.stderr).toContain('Error: No plugin "@cto-cli/provider-kimy" is installed. Did you mean "@cto-cli/provider-kimi"?')
    expect(text.stderr).not.toContain('CtoError')
    // oclif's bare "failed" on stdout ahead of the error is gone: the error says what failed.
    expect(text.stdout).toBe('')
  })
})
