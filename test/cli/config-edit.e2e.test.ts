/**
 * `cto config` on a config file it may not read: as root (CI), the CLI runs as another user
 * (setpriv), so this needs cto as a process of its own. The rest of config-edit is in-process.
 */
import {execFile} from 'node:child_process'
import {chmod} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BIN, makeSandbox, type CliResult, type Sandbox} from '../support/run-cli.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('cto config set / get / unset', () => {
  it('an unreadable config file (EACCES): the path and the chmod fix', async () => {
    await sb.writeUserConfig({cto_model: 'kimi'})
    await chmod(sb.userConfigFile, 0o000)
    // root reads any file: run the CLI as nobody then, with the sandbox open to it.
    const asRoot = process.getuid?.() === 0
    for (const dir of [sb.home, sb.configHome, join(sb.configHome, 'cto')]) await chmod(dir, 0o755)
    const r: CliResult = await new Promise((resolve) => {
      const [cmd, args] = asRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'config', 'show']] : [process.execPath, [BIN, 'config', 'show']]
      execFile(cmd, args as string[], {env: sb.env, cwd: sb.home}, (error, stdout, stderr) => resolve({code: error ? Number(error.code) : 0, stdout, stderr}))
    })
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain(`${sb.userConfigFile}: permission denied`)
    expect(r.stderr).toContain(`chmod u+r ${sb.userConfigFile}`)
  })
})
