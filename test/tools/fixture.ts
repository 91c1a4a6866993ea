/**
 * A throw-away world for tool tests: a temp HOME holding a workspace, keys and credentials, shell
 * start-up files, and a folder outside HOME; plus a snapshot of the whole tree to prove that a
 * refused call changed nothing on disk.
 */
import {createHash} from 'node:crypto'
import {lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createToolRunner, type ToolRunnerSettings} from '../../src/core/tools/worker/tool-runner.js'
import type {PolicyContext} from '../../src/core/tools/policy/policy-context.js'
import {resolveToolPolicy, type ToolPolicyInput} from '../../src/core/tools/policy/policy-schema.js'

export interface World {
  base: string
  home: string
  ws: string
  outside: string
  env: NodeJS.ProcessEnv
  ctx: PolicyContext
  runner: ReturnType<typeof createToolRunner>
  snapshot(): Map<string, string>
  cleanup(): void
}

export function createWorld(opts: {policy?: ToolPolicyInput; runner?: Partial<ToolRunnerSettings>; env?: NodeJS.ProcessEnv} = {}): World {
  const base = mkdtempSync(join(tmpdir(), 'cto-tools-'))
  const home = join(base, 'home')
  const ws = join(home, 'proj')
  const outside = join(base, 'outside')
  const w = (p: string, content: string, mode?: number) => {
    mkdirSync(join(p, '..'), {recursive: true})
    writeFileSync(p, content)
    if (mode !== undefined) chmodSync(p, mode)
  }
  w(join(ws, 'README.md'), '# demo\nline two\nline three\n')
  w(join(ws, 'src', 'app.ts'), 'export const a = 1\nexport const b = 1\n')
  w(join(ws, 'build', 'out.js'), 'compiled\n')
  w(join(ws, 'package.json'), JSON.stringify({name: 'demo', version: '1.0.0', scripts: {test: 'node -e "console.log(\'tests pass\')"'}}))
  w(join(ws, 'run.sh'), '#!/bin/sh\necho ran\n', 0o755)
  w(join(home, '.ssh', 'id_rsa'), 'PRIVATE KEY\n', 0o600)
  w(join(home, '.aws', 'credentials'), '[default]\naws_secret_access_key=x\n')
  w(join(home, 'credentials', 'bank.txt'), 'pin 1234\n')
  w(join(home, 'agents', 'deepseek', 'config.json'), '{"api_key":"sk-secret"}\n', 0o600)
  w(join(home, '.config', 'cto', 'config.json'), '{}\n')
  w(join(home, '.bashrc'), '# rc\n')
  w(join(home, 'notes.txt'), 'home notes\n')
  w(join(outside, 'secret.txt'), 'outside secret\n')
  // Links pointing out of the workspace and home.
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'link-file'))
  symlinkSync(outside, join(ws, 'link-dir'))
  symlinkSync(join(outside, 'does-not-exist.txt'), join(ws, 'link-dangling'))
  symlinkSync(base, join(ws, 'link-parent'))
  symlinkSync(join(home, '.ssh'), join(ws, 'link-ssh'))
  symlinkSync(join(ws, 'README.md'), join(ws, 'link-inside'))

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    OPENAI_API_KEY: 'sk-should-not-leak',
    GITHUB_TOKEN: 'ghp-should-not-leak',
    APP_SECRET: 'should-not-leak',
    DB_PASSWORD_FILE: 'should-not-leak',
    ...opts.env,
  }
  const policy = resolveToolPolicy(opts.policy)
  const ctx: PolicyContext = {env, policy, workspace: ws}
  const runner = createToolRunner({model: 'deepseek', workspace: ws, policy, env, killGraceMs: 300, ...opts.runner})
  return {
    base,
    home,
    ws,
    outside,
    env,
    ctx,
    runner,
    snapshot: () => snapshot(base),
    cleanup: () => rmSync(base, {recursive: true, force: true}),
  }
}

/** Every entry under `root`: type, mode, and content hash or link target. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const visit = (p: string) => {
    const st = lstatSync(p)
    const mode = (st.mode & 0o7777).toString(8)
    if (st.isSymbolicLink()) out.set(p, `link ${readlinkSync(p)}`)
    else if (st.isDirectory()) {
      out.set(p, `dir ${mode}`)
      for (const e of readdirSync(p)) visit(join(p, e))
    } else out.set(p, `file ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`)
  }
  visit(root)
  return out
}
