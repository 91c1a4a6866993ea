/** Honest work must go through: at least 20 ordinary calls that succeed, with their effects checked on disk. */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync, chmodSync} from 'node:fs'
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

describe('honest work the filter used to refuse (issue 10)', () => {
  const run = async (command: string, extra: Record<string, unknown> = {}) => {
    expect(checkCommand(command, world.ctx)).toEqual({allowed: true})
    const r = await call('run_command', {command, ...extra})
    okContent(r)
    return data(r)
  }
  it('grep -rn credentials src (a word searched for is not a path)', async () => {
    writeFileSync(join(world.ws, 'src', 'auth.ts'), 'export const credentials = load()\n')
    const d = await run('grep -rn credentials src')
    expect(d.stdout).toBe('src/auth.ts:1:export const credentials = load()\n')
  })
  it('git commit -m "docs: explain ~/.ssh/config handling", then git log --author=alice (a filter, not an identity)', async () => {
    const d = await run(
      'mkdir -p docs-repo && cd docs-repo && git init -q && echo x > a && git add a && git commit -q -m "docs: explain ~/.ssh/config handling" && git log --format=%s && git log --author=alice --format=%s | wc -l',
    )
    expect(d.stdout).toBe('docs: explain ~/.ssh/config handling\n0\n')
  })
  it("awk '{print $1 \"|\" $2}' (a bar inside a string is no pipe)", async () => {
    writeFileSync(join(world.ws, 'pairs.txt'), 'a b\nc d\n')
    const d = await run(`awk '{print $1 "|" $2}' pairs.txt`)
    expect(d.stdout).toBe('a|b\nc|d\n')
  })
  it('NODE_OPTIONS=--max-old-space-size=4096 npm run build (a tuning option loads no code)', async () => {
    mkdirSync(join(world.ws, 'nodeopts'), {recursive: true})
    writeFileSync(join(world.ws, 'nodeopts', 'package.json'), JSON.stringify({name: 'n', version: '1.0.0', scripts: {build: 'node -e "console.log(process.env.NODE_OPTIONS)"'}}))
    const d = await run('NODE_OPTIONS=--max-old-space-size=4096 npm run build --silent', {cwd: 'nodeopts'})
    expect(d.exit_code).toBe(0)
    expect(d.stdout).toBe('--max-old-space-size=4096\n')
  })
  it('LD_LIBRARY_PATH=./lib ./app (a program built here, pointed at its own libraries)', async () => {
    mkdirSync(join(world.ws, 'lib'), {recursive: true})
    writeFileSync(join(world.ws, 'app'), '#!/bin/sh\necho "libs: $LD_LIBRARY_PATH"\n', {mode: 0o755})
    const d = await run('LD_LIBRARY_PATH=./lib ./app')
    expect(d.stdout).toBe('libs: ./lib\n')
  })
  it('cd "$(git rev-parse --show-toplevel)" && rm -rf dist (a build folder after a computed cd)', async () => {
    const repo = join(world.ws, 'rootrepo')
    mkdirSync(join(repo, 'dist'), {recursive: true})
    mkdirSync(join(repo, 'pkg', 'sub'), {recursive: true})
    writeFileSync(join(repo, 'dist', 'out.js'), 'built\n')
    execFileSync('git', ['init', '-q'], {cwd: repo})
    const d = await run('cd "$(git rev-parse --show-toplevel)" && rm -rf dist', {cwd: 'rootrepo/pkg/sub'})
    expect(d.exit_code).toBe(0)
    expect(existsSync(join(repo, 'dist'))).toBe(false)
    expect(existsSync(join(repo, 'pkg', 'sub'))).toBe(true)
  })
  it('jq with a pipe inside its program, sed with an alternation', async () => {
    writeFileSync(join(world.ws, 'items.json'), '{"items":[{"name":"a|b"},{"name":"c"}]}\n')
    const d = await run(`jq -r '.items[] | .name' items.json && sed -E -n 's/^(a|c) (b|d)$/\\2|\\1/p' pairs.txt`)
    expect(d.stdout).toBe('a|b\nc\nb|a\nd|c\n')
  })

  // The same families, decided by the policy alone (some need tools or projects the test world lacks).
  const families: Record<string, string[]> = {
    'searches for words that name secrets': [
      'grep -rn "api_key" src',
      'grep -rniE "token|password|secret" --include=*.ts src',
      "rg -n 'credentials' src",
      'rg -n --glob "*.ts" -e secret -e password src',
      'git grep -n credentials -- src',
      'grep -rln .ssh docs',
      'grep -rn credentials src | head -5',
      'cd "$(git rev-parse --show-toplevel)" && grep -rn credentials src',
      'git log --grep=credentials --oneline',
      'grep -rn TODO src test',
      'rg -n "password" --type ts',
      'tar czf dist.tgz dist && cp -r src backup',
    ],
    'commit messages that mention protected paths': [
      'git commit -m "fix: stop reading ~/.aws/credentials"',
      'git commit -am "docs: mention .netrc and .gnupg"',
      "git commit -m 'chore: ignore credentials/' -m 'The loader no longer touches ~/.ssh/id_rsa.'",
      'git commit --message="docs: ~/.config/cto is where keys live"',
      'git tag -a v1.2.0 -m "handles ~/.ssh/config"',
      'cd "$(git rev-parse --show-toplevel)" && git commit -qm "docs: explain ~/.ssh/config handling"',
      'echo "keys live in ~/.ssh and ~/.aws/credentials"',
    ],
    'identity filters on git log': ['git log --author=alice', 'git log --author="Alice Doe" --since=1.week --oneline', 'git shortlog -sn --author=bob', 'git rev-list --count --author=alice HEAD'],
    'harmless environment assignments': [
      'NODE_OPTIONS="--max-old-space-size=8192 --enable-source-maps" npm test',
      'export NODE_OPTIONS=--max-old-space-size=4096 && npm run build',
      'NODE_OPTIONS=--no-warnings node script.js',
      'NODE_ENV=production CI=1 npm run build',
      'LD_LIBRARY_PATH=$PWD/lib:./lib ./app',
      'PERL5LIB=./lib perl t/basic.t',
      'PYTHONPATH=src python3 -m pytest -q',
      'GIT_EDITOR=true git rebase --continue',
      'GIT_PAGER=cat git log -1',
      'env NODE_OPTIONS=--max-old-space-size=2048 npm test',
    ],
    'awk, sed and jq programs with pipes and quotes inside strings': [
      `awk -F, '{print $1 "|" $2}' data.csv`,
      `awk '/error|warn/ {print $0}' app.log`,
      `awk '{ if ($1 || $2) print "a|b" }' data.txt`,
      `awk -v OFS='|' '{print $1, $2}' "$file"`,
      `awk 'BEGIN { FS = "|" } { print $2 }' table.md`,
      `awk '$3 ~ /^(GET|POST)$/ { n++ } END { print n }' access.log`,
      `sed -n 's/a|b/c/p' notes.txt`,
      `sed -E 's/(foo|bar)/baz/g' input.txt > output.txt`,
      `jq -r '.items[] | .name' data.json`,
      `jq '.[] | select(.kind == "a|b")' data.json`,
      `python3 -c 'import sys; print(sys.argv[1].upper())' "$name"`,
      `node -e 'console.log(process.argv[1])' "$value"`,
    ],
    'a cd to a computed repo root, then a relative delete': [
      'cd "$(git rev-parse --show-toplevel)" && rm -rf dist',
      'cd "$(git rev-parse --show-toplevel)" && rm -rf build node_modules/.cache coverage',
      'cd "$(dirname "$0")" && rm -rf out',
      'cd $(git rev-parse --show-toplevel) && rm -rf dist && npm run build',
      'ROOT=$(git rev-parse --show-toplevel); cd "$ROOT" && rm -rf target',
      'cd "$(git rev-parse --show-toplevel)" && rm -f dist/*.map',
    ],
  }
  it.each(Object.entries(families).flatMap(([family, commands]) => commands.map((c) => [`${family}: ${c}`, c] as const)))('%s', (_title, command) => {
    expect(checkCommand(command, world.ctx)).toEqual({allowed: true})
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
