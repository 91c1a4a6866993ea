/**
 * The in-process runner keeps each call to itself: a call's environment, working folder, exit code
 * and output never reach the test or the next call, errors included; and what runs is the
 * TypeScript source, never a built dist/ (whether one is there or not). That it answers as the
 * built CLI does is in-process-runner.e2e.test.ts.
 */
import {execFile} from 'node:child_process'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {REPO, type Sandbox} from '../support/run-cli.js'
import {loadCtoConfig, makeInProcessSandbox} from '../support/run-cli-in-process.js'

let sb: Sandbox
beforeAll(async () => {
  sb = await makeInProcessSandbox()
})
afterAll(async () => {
  await sb.cleanup()
})

describe('the in-process runner', () => {
  it("gives a call its own environment and folder, and puts the test's back", async () => {
    const env = {...process.env}
    const cwd = process.cwd()
    const argv = process.argv
    const write = process.stdout.write
    const app = join(sb.home, 'app')
    await mkdir(app)
    const set = await sb.json<{value: unknown; source: string}>(['config', 'get', 'cto_model'], {env: {CTO_MODEL: 'kimi'}, cwd: app})
    expect(set).toMatchObject({value: 'kimi'})
    const unset = await sb.json<{value: unknown; source: string}>(['config', 'get', 'cto_model'])
    expect(unset.value).not.toBe('kimi')
    const failed = await sb.run(['models', 'show', 'deepseak'], {env: {CTO_MODEL: 'kimi'}, cwd: app})
    expect(failed.code).toBe(64)
    expect(failed.stderr).toContain('Unknown model "deepseak"')
    expect(process.env).toEqual(env)
    expect(process.env.HOME).not.toBe(sb.home)
    expect(process.cwd()).toBe(cwd)
    expect(process.argv).toBe(argv)
    expect(process.exitCode).toBeUndefined()
    expect(process.stdout.write).toBe(write)
  })

  it('runs the commands, hooks and provider plugins from their TypeScript sources', async () => {
    const config = await loadCtoConfig()
    const list = (await config.findCommand('models:list')?.load()) as {relativePath?: string[]} | undefined
    expect(list?.relativePath).toEqual(['src', 'commands', 'models', 'list.ts'])
    const ours = config
      .getPluginsList()
      .filter((p) => p.name === 'cto-cli' || p.name.startsWith('@cto-cli/provider-'))
      .flatMap((p) => Object.values(p.hooks).flat().map((h) => join(p.root, h.target)))
    // command_not_found and plugins:postuninstall, and each provider plugin's cto:providers.
    expect(ours.length).toBeGreaterThanOrEqual(10)
    for (const t of ours) expect(t).toMatch(/\/src\/hooks\/[\w-]+\.ts$/)
  })

  it('bin/dev.js runs cto from the same sources, with the exit codes of bin/run.js', async () => {
    const dev = (args: string[]) =>
      new Promise<{code: number | null; stdout: string}>((resolve, reject) => {
        execFile(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', join(REPO, 'bin', 'dev.js'), ...args], {cwd: REPO, env: {...process.env, HOME: sb.home, XDG_CONFIG_HOME: join(sb.home, '.config'), XDG_DATA_HOME: join(sb.home, '.local', 'share')}}, (error, stdout) => {
          if (error && typeof error.code !== 'number') reject(error)
          else resolve({code: error ? (error.code as number) : 0, stdout})
        })
      })
    const list = await dev(['models', 'list', '--json'])
    expect(list.code).toBe(0)
    expect((JSON.parse(list.stdout) as {models: Array<{name: string}>}).models.map((m) => m.name)).toContain('sonnet')
    expect((await dev(['nosuch'])).code).toBe(64)
  }, 60_000)
})
