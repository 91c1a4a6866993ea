/**
 * The OS sandbox under the tool worker: honest work runs inside it (git commits as the model, build
 * folders made and removed, python and node scripts, a sample project's tests), its boundary holds
 * (the attack side is test/escape), a missing sandbox refuses commands naming the fix, and
 * configuration files a command writes are put back.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {sandboxBoundary} from '../../src/core/tools/sandbox/boundary.js'
import {describeBoundary} from '../../src/core/tools/sandbox/describe-boundary.js'
import {resetSandbox} from '../../src/core/tools/sandbox/os-sandbox.js'
import {RUNTIME_PROTECTED} from '../../src/core/tools/sandbox/git-stand-ins.js'
import {createToolRunner} from '../../src/core/tools/worker/tool-runner.js'
import {resolveToolPolicy} from '../../src/core/tools/policy/policy-schema.js'
import type {ToolResult} from '../../src/core/tools/types.js'
import {osSandboxMissing} from '../support/os-sandbox.js'
import {createWorld, type World} from './fixture.js'

const data = (r: ToolResult) => (r.ok ? (r.data ?? {}) : {}) as Record<string, unknown>

describe.skipIf(osSandboxMissing !== undefined)(`honest work inside the OS sandbox${osSandboxMissing ? ` (${osSandboxMissing})` : ''}`, () => {
  let world: World
  /** The same workspace with the command filter off: what the sandbox alone does. */
  let raw: ReturnType<typeof createToolRunner>
  const run = async (command: string, runner?: ReturnType<typeof createToolRunner>) => {
    const r = await (runner ?? world.runner).execute('run_command', JSON.stringify({command, timeout_seconds: 60}))
    expect(r.ok, JSON.stringify(r)).toBe(true)
    expect(data(r).sandbox).toBe('os')
    return data(r) as {exit_code: number; stdout: string; stderr: string}
  }
  beforeAll(() => {
    world = createWorld()
    raw = createToolRunner({model: 'deepseek', workspace: world.ws, policy: {policy: 'off'}, env: world.env})
    execFileSync('git', ['init', '-q', '.'], {cwd: world.ws})
  })
  afterAll(() => world.cleanup())

  it('git commit in the workspace, signed as the model', async () => {
    const d = await run('git add README.md && git commit -qm "docs: readme" && git log -1 --format="%an <%ae>|%s"')
    expect(d.exit_code, d.stderr).toBe(0)
    expect(d.stdout).toBe('deepseek (cto) <deepseek@cto.local>|docs: readme\n')
    // Committed on the host, not in a copy.
    expect(execFileSync('git', ['log', '-1', '--format=%an'], {cwd: world.ws, encoding: 'utf8'})).toBe('deepseek (cto)\n')
  })

  it('build folders made and removed, temp files in a private /tmp', async () => {
    const d = await run('mkdir -p dist/assets && echo built > dist/assets/app.js && t=$(mktemp) && echo scratch > "$t" && cat "$t" && rm -rf dist && ls')
    expect(d.exit_code, d.stderr).toBe(0)
    expect(d.stdout).toContain('scratch')
    expect(d.stdout).not.toContain('dist')
    expect(existsSync(join(world.ws, 'dist'))).toBe(false)
  })

  it('cto status calls /tmp private only where it is: a workspace of /tmp itself writes the host\'s /tmp', async () => {
    const probe = `/tmp/cto-private-tmp-probe-${process.pid}`
    rmSync(probe, {force: true})
    try {
      const inside = await describeBoundary(resolveToolPolicy({}), {env: world.env, cwd: world.ws, workspace: world.ws})
      expect(inside.writable).toContain('/tmp (private)')
      expect((await run(`touch ${probe}`)).exit_code).toBe(0)
      expect(existsSync(probe)).toBe(false)

      const atTmp = await describeBoundary(resolveToolPolicy({}), {env: world.env, cwd: '/tmp', workspace: '/tmp'})
      expect(atTmp.writable).not.toContain('/tmp (private)')
      expect(atTmp.writable).toContain('/tmp')
      const tmpRunner = createToolRunner({model: 'deepseek', workspace: '/tmp', policy: {policy: 'off'}, env: world.env})
      expect((await run(`touch ${probe}`, tmpRunner)).exit_code).toBe(0)
      expect(existsSync(probe)).toBe(true)
    } finally {
      rmSync(probe, {force: true})
    }
  })

  it('python and node scripts, and a sample project\'s tests', async () => {
    writeFileSync(join(world.ws, 'calc.py'), 'import sys\nprint(sum(int(a) for a in sys.argv[1:]))\n')
    writeFileSync(join(world.ws, 'sum.js'), 'module.exports = (a, b) => a + b\n')
    writeFileSync(join(world.ws, 'sum.test.js'), "const assert = require('node:assert'); const test = require('node:test'); test('adds', () => assert.equal(require('./sum')(2, 3), 5))\n")
    const d = await run('python3 calc.py 1 2 3 && node -e "console.log(require(\'./sum\')(40, 2))" && node --test sum.test.js 2>&1 | grep -E "^# (pass|fail)"')
    expect(d.exit_code, d.stderr).toBe(0)
    expect(d.stdout).toBe('6\n42\n# pass 1\n# fail 0\n')
  })

  it('npm test of the sample project', async () => {
    const d = await run('npm test --silent')
    expect(d.exit_code, d.stderr).toBe(0)
    expect(d.stdout).toContain('tests pass')
  })

  it('the home folder is invisible; the workspace is not; secrets in the environment are not passed in', async () => {
    const d = await run('ls -a ~; cat ~/notes.txt; echo "[$OPENAI_API_KEY$GITHUB_TOKEN$APP_SECRET]"; cat README.md | head -1')
    expect(d.stdout).toContain('proj')
    expect(d.stdout).not.toContain('.ssh')
    expect(d.stdout).not.toContain('home notes')
    expect(d.stdout).toContain('[]')
    expect(d.stdout).toContain('# demo')
    expect(d.stderr).toMatch(/notes\.txt: No such file/)
  })

  it('writes outside the workspace land nowhere; the host files are unchanged', async () => {
    const before = readFileSync(join(world.home, '.bashrc'), 'utf8')
    const d = await run(`echo pwned >> ~/.bashrc; echo x > ${world.outside}/new.txt; echo rc=$?`, raw)
    expect(d.stdout).toMatch(/rc=[1-9]/)
    expect(readFileSync(join(world.home, '.bashrc'), 'utf8')).toBe(before)
    expect(existsSync(join(world.outside, 'new.txt'))).toBe(false)
  })

  it('a config file a command writes is put back, and the model is told', async () => {
    const r = await raw.execute('run_command', JSON.stringify({command: `echo '{"tools":{"sandbox":"off"}}' > cto.config.json && mkdir -p .claude && echo '{}' > .claude/settings.json && echo written`}))
    expect(r.ok && r.content).toMatch(/put them back: cto\.config\.json, \.claude\/settings\.json/)
    expect(data(r).restored_config_files).toEqual(['cto.config.json', '.claude/settings.json'])
    expect(existsSync(join(world.ws, 'cto.config.json'))).toBe(false)
    expect(existsSync(join(world.ws, '.claude', 'settings.json'))).toBe(false)
  })

  it("a folder whose files run later (.claude/commands, .vscode) that a command creates is removed; git add -A still works", async () => {
    const r = await raw.execute('run_command', JSON.stringify({command: `mkdir -p .claude/commands .vscode && echo x > .claude/commands/x.md && echo '{}' > .vscode/tasks.json && echo b > added.txt && git add -A && echo added`}))
    expect(r.ok && r.content).toMatch(/put them back: \.claude\/commands, \.vscode\./)
    expect(data(r).stdout).toBe('added\n')
    expect(existsSync(join(world.ws, '.claude', 'commands'))).toBe(false)
    expect(existsSync(join(world.ws, '.vscode'))).toBe(false)
  })

  it("git add -A works at the top of the project cto runs in: git passes by the sandbox's stand-ins, and the user's own excludes still count", async () => {
    // sandbox-runtime mounts /dev/null over each protected name missing in cto's working folder; git refused those ("can only add regular files").
    const ws = mkdtempSync(join(tmpdir(), 'cto-standins-'))
    const home = mkdtempSync(join(tmpdir(), 'cto-standins-home-'))
    try {
      execFileSync('git', ['init', '-q', '.'], {cwd: ws})
      writeFileSync(join(ws, 'README.md'), 'x\n')
      // A real .gitmodules is no stand-in: git sees it as usual.
      writeFileSync(join(ws, '.gitmodules'), '')
      mkdirSync(join(home, '.config', 'git'), {recursive: true})
      writeFileSync(join(home, '.config', 'git', 'ignore'), '*.log\n')
      const fixture = join(import.meta.dirname, 'fixtures', 'command-in-cwd.ts')
      const run = (command: string) =>
        JSON.parse(execFileSync(process.execPath, ['--conditions=@cto-cli/source', '--import', 'tsx', fixture, ws, command], {cwd: join(import.meta.dirname, '..', '..'), env: {...world.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config')}, encoding: 'utf8'})) as {exit_code: number; stdout: string; stderr: string}
      // (find -type c goes by the folder's own entry, a plain file under the mount: test each name.)
      const seen = run('shopt -s dotglob nullglob; for f in * .claude/*; do [ -c "$f" ] && echo "$f"; done; true')
      const standIns = seen.stdout.split('\n').filter(Boolean)
      expect(standIns.length).toBeGreaterThan(5)
      // Every stand-in a command sees is one git-stand-ins.ts knows of (a new sandbox-runtime that protects more fails here).
      expect(standIns.filter((p) => !RUNTIME_PROTECTED.some((r) => p === r || p.startsWith(`${r}/`)))).toEqual([])
      const d = run('echo b > added.txt && echo noise > debug.log && git add -A && git status --porcelain')
      expect(d.exit_code, d.stderr).toBe(0)
      expect(d.stdout.split('\n').filter(Boolean).sort()).toEqual(['A  .gitmodules', 'A  README.md', 'A  added.txt'])
      // Only the global excludes setting is read: a repository's own (a model can write a nested one's) naming a secret puts nothing of it where the command reads.
      writeFileSync(join(home, 'secret-key'), 'SECRET-7f3a9c\n')
      execFileSync('git', ['config', 'core.excludesFile', join(home, 'secret-key')], {cwd: ws})
      const seenExcludes = run('cat "${TMPDIR:-/tmp}/cto-git-excludes"')
      expect(seenExcludes.stdout).toContain('/.bashrc')
      expect(seenExcludes.stdout).toContain('*.log')
      expect(seenExcludes.stdout).not.toContain('SECRET-7f3a9c')
    } finally {
      rmSync(ws, {recursive: true, force: true})
      rmSync(home, {recursive: true, force: true})
    }
  })

  it('package.json stays writable; only its cto key is guarded', async () => {
    const d = await run(`node -e "const p=require('./package.json'); p.version='2.0.0'; require('fs').writeFileSync('package.json', JSON.stringify(p))" && grep -o '"version":"2.0.0"' package.json`)
    expect(d.stdout).toBe('"version":"2.0.0"\n')
    const r = await raw.execute('run_command', JSON.stringify({command: `node -e "const p=require('./package.json'); p.cto={tools:{sandbox:'off'}}; require('fs').writeFileSync('package.json', JSON.stringify(p))"`}))
    expect(data(r).restored_config_files).toEqual(['package.json'])
    expect(JSON.parse(readFileSync(join(world.ws, 'package.json'), 'utf8'))).toMatchObject({version: '2.0.0'})
    expect(JSON.parse(readFileSync(join(world.ws, 'package.json'), 'utf8')).cto).toBeUndefined()
  })

  it('an existing repository config is read-only; a new one is kept unless it runs code', async () => {
    for (const [command, kept] of [
      ['git init -q . && git config user.name kept && echo ok', true],
      ['git init -q . && git config core.fsmonitor "rm -rf ~" && echo ok', false],
    ] as const) {
      const fresh = createWorld()
      try {
        const inFresh = createToolRunner({model: 'deepseek', workspace: fresh.ws, policy: {policy: 'off'}, env: fresh.env})
        const r = await inFresh.execute('run_command', JSON.stringify({command}))
        expect(data(r).stdout).toBe('ok\n')
        expect(data(r).restored_config_files).toEqual(kept ? [] : ['.git/config'])
        expect(existsSync(join(fresh.ws, '.git', 'config'))).toBe(kept)
      } finally {
        fresh.cleanup()
      }
    }
    // An existing repository's config is read-only inside the sandbox.
    const before = readFileSync(join(world.ws, '.git', 'config'), 'utf8')
    const r = await raw.execute('run_command', JSON.stringify({command: 'git config core.hooksPath ./hooks'}))
    expect(data(r).exit_code).not.toBe(0)
    expect(String(data(r).stderr)).toMatch(/could not (lock|write) config file|Read-only file system|Device or resource busy/)
    expect(readFileSync(join(world.ws, '.git', 'config'), 'utf8')).toBe(before)
  })
})

describe.skipIf(osSandboxMissing !== undefined)('the network: none by default, allow-listed domains through the proxy', () => {
  let world: World
  let server: import('node:http').Server
  let port: number
  let other: import('node:http').Server
  let otherPort: number
  beforeAll(async () => {
    world = createWorld()
    const {createServer} = await import('node:http')
    const listen = async (s: import('node:http').Server) => {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
      return (s.address() as {port: number}).port
    }
    server = createServer((_req, res) => res.end('allowed-answer'))
    port = await listen(server)
    other = createServer((_req, res) => res.end('should-not-be-reached'))
    otherPort = await listen(other)
  })
  afterAll(async () => {
    world.cleanup()
    server.close()
    other.close()
    await resetSandbox()
  })

  it('reaches only what tools.sandbox.network lists', async () => {
    const none = await world.runner.execute('run_command', JSON.stringify({command: `curl -s -m 3 --noproxy '' http://127.0.0.1:${port}/; echo rc=$?`}))
    expect(data(none).stdout).not.toContain('allowed-answer')
    const allowed = createToolRunner({model: 'deepseek', workspace: world.ws, env: world.env, policy: {sandbox: {network: [`127.0.0.1:${port}`]}}})
    const ok = await allowed.execute('run_command', JSON.stringify({command: `curl -s -m 20 --noproxy '' http://127.0.0.1:${port}/`}))
    expect(data(ok).stdout).toBe('allowed-answer')
    const blocked = await allowed.execute('run_command', JSON.stringify({command: `curl -s -m 5 --noproxy '' http://127.0.0.1:${otherPort}/; echo; curl -s -m 3 --noproxy '' https://example.com/ -o /dev/null -w '%{http_code}'`}))
    expect(data(blocked).stdout).not.toContain('should-not-be-reached')
    expect(data(blocked).stdout).toMatch(/403|000/)
  })
})

describe('the boundary', () => {
  it('hides every home folder and shared temp folder, re-exposes the workspace and toolchains, keeps secrets hidden inside', () => {
    const base = mkdtempSync(join(tmpdir(), 'cto-boundary-'))
    try {
      const home = join(base, 'home')
      const ws = join(home, 'code', 'app')
      mkdirSync(join(ws, '.git', 'hooks'), {recursive: true})
      writeFileSync(join(ws, 'cto.config.json'), '{}')
      mkdirSync(join(home, '.cargo'), {recursive: true})
      const b = sandboxBoundary({env: {HOME: home}, policy: resolveToolPolicy({}), cwd: join(ws)})
      expect(b.workspace).toBe(ws)
      expect(b.denyRead).toEqual(expect.arrayContaining([home, '/tmp']))
      expect(b.allowRead).toEqual([ws, join(home, '.cargo')])
      expect(b.allowWrite).toEqual([ws])
      expect(b.denyWrite).toEqual(expect.arrayContaining([join(ws, 'cto.config.json'), join(ws, '.git', 'hooks')]))
      expect(b.neverRead).toEqual(expect.arrayContaining([join(home, '.ssh'), join(home, '.config', 'cto'), join(home, '.local', 'share', 'cto', 'perf'), join(home, '.claude*'), join(home, '.npmrc'), join(home, '.bashrc')]))
      expect(b.network).toEqual([])
      // The whole home folder only when the config says so.
      expect(sandboxBoundary({env: {HOME: home}, policy: resolveToolPolicy({workspace: '~'}), cwd: ws}).workspace).toBe(home)
      // A repository at the home folder (dotfiles) is not taken as the workspace.
      mkdirSync(join(home, '.git'))
      mkdirSync(join(home, 'notes'))
      expect(sandboxBoundary({env: {HOME: home}, policy: resolveToolPolicy({}), cwd: join(home, 'notes')}).workspace).toBe(join(home, 'notes'))
    } finally {
      rmSync(base, {recursive: true, force: true})
    }
  })
})

describe('no sandbox, no commands', () => {
  let world: World
  let bin: string
  beforeAll(() => {
    // A PATH with every program of the system except bubblewrap: what a machine without the package has.
    bin = mkdtempSync(join(tmpdir(), 'cto-nobwrap-'))
    for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
      if (!existsSync(dir)) continue
      for (const name of readdirSync(dir)) {
        if (name === 'bwrap' || existsSync(join(bin, name))) continue
        symlinkSync(join(dir, name), join(bin, name))
      }
    }
    world = createWorld()
  })
  afterAll(async () => {
    world.cleanup()
    rmSync(bin, {recursive: true, force: true})
    await resetSandbox()
  })

  it('refuses run_command with the fix and the opt-out, runs nothing', async () => {
    const saved = process.env.PATH
    await resetSandbox()
    process.env.PATH = bin
    try {
      const r = await world.runner.execute('run_command', JSON.stringify({command: 'echo ran > ran.txt'}))
      expect(r).toMatchObject({ok: false, rule: 'sandbox-unavailable'})
      expect(!r.ok && r.error).toMatch(/bubblewrap \(bwrap\) not installed/)
      expect(!r.ok && r.error).toContain('apt-get install bubblewrap socat ripgrep')
      expect(!r.ok && r.error).toContain('"tools": {"sandbox": "off"}')
      expect(existsSync(join(world.ws, 'ran.txt'))).toBe(false)
    } finally {
      process.env.PATH = saved
      await resetSandbox()
    }
  })

  it('with the sandbox turned off, commands run as the user (the opt-out)', async () => {
    const off = createToolRunner({model: 'deepseek', workspace: world.ws, env: world.env, policy: {sandbox: 'off'}})
    const r = await off.execute('run_command', JSON.stringify({command: 'echo ran > ran.txt && cat ran.txt'}))
    expect(data(r)).toMatchObject({sandbox: 'off', stdout: 'ran\n'})
  })
})
