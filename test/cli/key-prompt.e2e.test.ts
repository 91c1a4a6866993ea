/**
 * Ctrl-C at the hidden key prompt: exit 130, "nothing was saved", no "report it if it looks like a
 * bug". The prompt needs a terminal: util-linux `script` gives the CLI one.
 */
import {spawn, spawnSync} from 'node:child_process'
import {access} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BIN, makeSandbox, type Sandbox} from '../support/run-cli.js'

const hasScript = spawnSync('script', ['--version']).status === 0
let sb: Sandbox
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('keys set with the key on stdin', () => {
  it('a piped key is never taken for the missing model name (nor printed)', async () => {
    const key = 'sk-piped-0123456789abcdefSECRET'
    const r = await sb.run(['keys', 'set'], {input: key})
    expect(r.code).toBe(64)
    expect(r.stderr).toContain('Missing 1 required arg')
    expect(r.stdout + r.stderr).not.toContain('SECRET')
  })
})

describe.skipIf(!hasScript)('the key prompt (needs util-linux "script" for a terminal)', () => {
  it('Ctrl-C: exit 130, nothing saved', async () => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
    const child = spawn('script', ['-qec', `${quote(process.execPath)} ${quote(BIN)} keys set deepseek`, '/dev/null'], {env: {...sb.env, TERM: 'dumb'}, cwd: sb.home})
    let output = ''
    let typed = false
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d
      // Once: a second Ctrl-C after the prompt has ended would be a real SIGINT.
      if (!typed && output.includes('(input hidden)')) {
        typed = true
        child.stdin.write('sk-half-typed\u0003')
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code, output).toBe(130)
    expect(output).toContain('Cancelled at the prompt: no key was saved.')
    expect(output).not.toContain('report it')
    await expect(access(join(sb.home, 'agents', 'deepseek', 'config.json'))).rejects.toThrow()
  })
})
