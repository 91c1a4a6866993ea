/** The hook cto puts in Claude Code sessions is the bundled dist/tools-hook.js: it needs the build. The rest of `cto tools` is in tools.test.ts. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {join} from 'node:path'
import {REPO, makeSandbox, type Sandbox} from '../support/run-cli.js'

let sb: Sandbox
beforeEach(async () => {
  sb = await makeSandbox()
})
afterEach(async () => {
  await sb.cleanup()
})

describe('cto tools', () => {





  it('dist/tools-hook.js, the hook cto installs in Claude sessions: decides from the context cto gave it, fails closed without one', async () => {
    const {execFile} = await import('node:child_process')
    const {encodeHookContext, HOOK_CONTEXT_ENV} = await import('../../src/core/tools/policy/hook-context.js')
    const {defaultToolPolicy} = await import('../../src/core/tools/policy/policy-defaults.js')
    const ws = join(sb.home, 'app')
    const hook = (input: unknown, context: string | undefined) =>
      new Promise<{code: number; stderr: string}>((resolve) => {
        const env = {PATH: process.env.PATH, HOME: sb.home, ...(context === undefined ? {} : {[HOOK_CONTEXT_ENV]: context})}
        const child = execFile(process.execPath, [join(REPO, 'dist', 'tools-hook.js')], {env}, (error, _out, stderr) =>
          resolve({code: error ? Number(error.code) : 0, stderr: String(stderr)}),
        )
        child.stdin!.end(typeof input === 'string' ? input : JSON.stringify(input))
      })
    const ctx = (filterBash: boolean) => encodeHookContext({v: 1, policy: defaultToolPolicy, workspace: ws, home: sb.home, keyFiles: [join(sb.home, 'keys.json')], filterBash})
    const call = (tool_name: string, tool_input: Record<string, unknown>) => ({hook_event_name: 'PreToolUse', cwd: ws, tool_name, tool_input})
    expect((await hook(call('Write', {file_path: join(ws, 'a.txt'), content: 'x'}), ctx(false))).code).toBe(0)
    const outside = await hook(call('Write', {file_path: join(sb.home, 'a.txt'), content: 'x'}), ctx(false))
    expect(outside.code).toBe(2)
    expect(outside.stderr).toMatch(/outside .*app, the only folder the tools may use/)
    expect((await hook(call('Write', {file_path: join(ws, 'cto.config.json'), content: '{}'}), ctx(false))).stderr).toMatch(/a cto config file/)
    // Bash: left to Claude Code's sandbox when it is on; the command filter when it is off.
    expect((await hook(call('Bash', {command: 'rm -rf ~'}), ctx(false))).code).toBe(0)
    expect((await hook(call('Bash', {command: 'rm -rf ~'}), ctx(true))).code).toBe(2)
    // No context, a forged one, or garbage: blocked.
    expect((await hook(call('Read', {file_path: join(ws, 'a.txt')}), undefined)).code).toBe(2)
    expect((await hook(call('Read', {file_path: join(ws, 'a.txt')}), 'bm90IGEgY29udGV4dA')).code).toBe(2)
    expect((await hook('not json', ctx(false))).code).toBe(2)
  })

})
