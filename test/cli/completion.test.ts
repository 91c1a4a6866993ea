/** Shell completion (oclif's autocomplete plugin): what bash actually completes, for cto's own commands and flags. */
import {execFile} from 'node:child_process'
import {join} from 'node:path'
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

function complete(words: string[]): Promise<string> {
  const setup = join(sb.home, '.cache', 'cto', 'autocomplete', 'bash_setup')
  const script = `source ${setup}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cto_autocomplete; echo "\${COMPREPLY[@]}"`
  return new Promise((resolve, reject) => execFile('bash', ['-c', script], {env: sb.env}, (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))))
}

describe('shell completion', () => {
  it('cto autocomplete bash sets it up, and bash completes commands, subcommands and flags', async () => {
    const r = await sb.run(['autocomplete', 'bash'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('cto autocomplete script bash')
    expect(await complete(['cto', 'lo'])).toBe('logs')
    expect((await complete(['cto', 'config', 's'])).split(' ').sort()).toEqual(['set', 'show'])
    expect(await complete(['cto', 'task', '--dr'])).toBe('--dry-run')
  })
})
