/** Honest work must go through: at least 20 ordinary calls that succeed, with their effects checked on disk. */
import {execFileSync} from 'node:child_process'
import {existsSync, readFileSync, statSync, writeFileSync, chmodSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {checkCommand} from '../../src/core/tools/policy/command-policy.js'
import type {ToolResult} from '../../src/core/tools/types.js'
import {createWorld, type World} from './fixture.js'

let world: World
beforeAll(() => {
  world = createWorld()
})
afterAll(() => world.cleanup())

const call = (tool: string, args: Record<string, unknown>) => world.runner.execute(tool, JSON.stringify(args))
function okContent(r: ToolResult): string {
  expect(r.ok, JSON.stringify(r)).toBe(true)
  return r.ok ? r.content : ''
}
function data(r: ToolResult): Record<string, unknown> {
  return r.ok ? (r.data ?? {}) : {}
}

describe('honest file work', () => {
  it('reads a file with line numbers', async () => {
    const c = okContent(await call('read_file', {path: 'README.md'}))
    expect(c).toBe('     1\t# demo\n     2\tline two\n     3\tline three')
  })
  it('reads a window with offset and limit, and says it is capped', async () => {
    const c = okContent(await call('read_file', {path: 'README.md', offset: 2, limit: 1}))
    expect(c).toContain('     2\tline two')
    expect(c).not.toContain('line three')
    expect(c).toMatch(/Capped: showing lines 2-2 of 3.*offset=3/)
  })
  it('caps a large file by bytes, saying so', async () => {
    writeFileSync(join(world.ws, 'big.txt'), 'x'.repeat(100) + '\n'.repeat(1) + Array.from({length: 5000}, (_, i) => `line ${i}`).join('\n'))
    const r = await call('read_file', {path: 'big.txt'})
    const c = okContent(r)
    expect(c).toMatch(/\[Capped: showing lines 1-2000 of 5001/)
    expect(data(r).truncated).toBe(true)
  })
  it('reads through a symlink that stays inside the workspace', async () => {
    expect(okContent(await call('read_file', {path: 'link-inside'}))).toContain('# demo')
  })
  it('reads with an absolute path and with ~/ when inside the root', async () => {
    expect(okContent(await call('read_file', {path: join(world.ws, 'src', 'app.ts')}))).toContain('export const a')
    expect(okContent(await call('read_file', {path: '~/proj/src/app.ts'}))).toContain('export const a')
  })
  it('writes a new file, creating parent folders', async () => {
    okContent(await call('write_file', {path: 'deep/er/new.txt', content: 'hello\n'}))
    expect(readFileSync(join(world.ws, 'deep', 'er', 'new.txt'), 'utf8')).toBe('hello\n')
  })
  it('overwrites atomically and keeps the mode', async () => {
    const c = okContent(await call('write_file', {path: 'run.sh', content: '#!/bin/sh\necho changed\n'}))
    expect(c).toMatch(/Overwrote/)
    expect(statSync(join(world.ws, 'run.sh')).mode & 0o777).toBe(0o755)
    expect(readFileSync(join(world.ws, 'run.sh'), 'utf8')).toContain('changed')
  })
  it('edits one exact occurrence', async () => {
    okContent(await call('edit_file', {path: 'src/app.ts', old_string: 'export const a = 1', new_string: 'export const a = 2'}))
    expect(readFileSync(join(world.ws, 'src', 'app.ts'), 'utf8')).toBe('export const a = 2\nexport const b = 1\n')
  })
  it('edits every occurrence with replace_all, keeping the mode', async () => {
    chmodSync(join(world.ws, 'src', 'app.ts'), 0o640)
    const r = await call('edit_file', {path: 'src/app.ts', old_string: 'export const', new_string: 'const', replace_all: true})
    okContent(r)
    expect(data(r).replacements).toBe(2)
    expect(readFileSync(join(world.ws, 'src', 'app.ts'), 'utf8')).toBe('const a = 2\nconst b = 1\n')
    expect(statSync(join(world.ws, 'src', 'app.ts')).mode & 0o777).toBe(0o640)
  })
  it('edits text with $ signs literally', async () => {
    writeFileSync(join(world.ws, 'price.txt'), 'cost: X\n')
    okContent(await call('edit_file', {path: 'price.txt', old_string: 'X', new_string: "$& $1 $$'"}))
    expect(readFileSync(join(world.ws, 'price.txt'), 'utf8')).toBe("cost: $& $1 $$'\n")
  })
  it('lists a folder', async () => {
    const c = okContent(await call('list_directory', {path: '.'}))
    expect(c).toContain('src/')
    expect(c).toContain('link-file@')
    expect(c).toMatch(/README\.md \(\d+ bytes\)/)
  })
  it('gets the current directory', async () => {
    expect(okContent(await call('get_current_directory', {}))).toBe(world.ws)
  })
})

describe('honest commands', () => {
  const run = async (command: string, extra: Record<string, unknown> = {}) => {
    expect(checkCommand(command, world.ctx)).toEqual({allowed: true})
    const r = await call('run_command', {command, ...extra})
    okContent(r)
    return data(r)
  }
  it('git commit -m "fix reboot" (a word of a message is not a command)', async () => {
    const d = await run('git init -q . && git add README.md && git commit -q -m "fix reboot" && git log --format=%s')
    expect(d.exit_code).toBe(0)
    expect(d.stdout).toBe('fix reboot\n')
  })
  it('rm -rf ./build inside the workspace', async () => {
    const d = await run('rm -rf ./build')
    expect(d.exit_code).toBe(0)
    expect(existsSync(join(world.ws, 'build'))).toBe(false)
  })
  it('npm test', async () => {
    const d = await run('npm test')
    expect(d.exit_code).toBe(0)
    expect(String(d.stdout)).toContain('tests pass')
  })
  it('pipelines and lists', async () => {
    const d = await run('echo hello | tr a-z A-Z && printf "a\\nb\\n" | wc -l')
    expect(d.stdout).toBe('HELLO\n2\n')
  })
  it('a loop over a glob', async () => {
    const d = await run('for f in src/*.ts; do echo "file: $f"; done')
    expect(d.stdout).toBe('file: src/app.ts\n')
  })
  it('cd into a subfolder', async () => {
    const d = await run('cd src && ls')
    expect(d.stdout).toBe('app.ts\n')
  })
  it('a cwd argument', async () => {
    const d = await run('pwd', {cwd: 'src'})
    expect(d.stdout).toBe(`${join(world.ws, 'src')}\n`)
  })
  it('find with -name and -delete inside the workspace', async () => {
    writeFileSync(join(world.ws, 'x.tmp'), '')
    const d = await run('find . -maxdepth 1 -name "*.tmp" -delete && ls')
    expect(String(d.stdout)).not.toContain('x.tmp')
  })
  it('node -e and perl -e doing plain computation', async () => {
    const d = await run(`node -e "console.log(6*7)" && perl -e 'print 2+2, "\\n"'`)
    expect(d.stdout).toBe('42\n4\n')
  })
  it('grep and sed on files', async () => {
    const d = await run('grep -n two README.md && sed -n 3p README.md')
    expect(d.stdout).toBe('2:line two\nline three\n')
  })
  it('mkdir -p, touch and a redirection into the workspace', async () => {
    const d = await run('mkdir -p out/a && touch out/a/b && echo data > out/c.txt && cat out/c.txt')
    expect(d.stdout).toBe('data\n')
    expect(existsSync(join(world.ws, 'out', 'a', 'b'))).toBe(true)
  })
  it('a non-zero exit is a result, not an error', async () => {
    const d = await run('ls does-not-exist')
    expect(d.exit_code).not.toBe(0)
    expect(String(d.stderr)).toMatch(/does-not-exist/)
  })
  it('runs a script file and git status', async () => {
    const d = await run('sh run.sh && git status --short | head -3')
    expect(String(d.stdout)).toMatch(/^(ran|changed)\n/)
  })
  it('the [ test command and a bracket glob', async () => {
    const d = await run('[ -d src ] && echo yes; ls [s]rc')
    expect(d.stdout).toBe('yes\napp.ts\n')
  })
  it('2>&1 and /dev/null redirections', async () => {
    const d = await run('ls missing 2>/dev/null; echo done 2>&1')
    expect(d.stdout).toBe('done\n')
  })
  it('the environment has no secrets but keeps PATH and HOME', async () => {
    const d = await run('env')
    const out = String(d.stdout)
    expect(out).toContain(`HOME=${world.home}`)
    expect(out).toMatch(/^PATH=/m)
    for (const leaked of ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'APP_SECRET', 'DB_PASSWORD_FILE', 'should-not-leak']) expect(out).not.toContain(leaked)
  })
})

describe('authorship', () => {
  it('commits made through run_command carry the model identity', async () => {
    const repo = join(world.ws, 'authored')
    const r = await call('run_command', {command: 'mkdir authored && cd authored && git init -q && echo hi > f && git add f && git commit -q -m "by the model"'})
    expect(data(r).exit_code).toBe(0)
    const log = execFileSync('git', ['log', '-1', '--format=%an <%ae>|%cn <%ce>'], {cwd: repo, encoding: 'utf8', env: {PATH: process.env.PATH, HOME: world.home}})
    expect(log.trim()).toBe('deepseek (cto) <deepseek@cto.local>|deepseek (cto) <deepseek@cto.local>')
  })
})
