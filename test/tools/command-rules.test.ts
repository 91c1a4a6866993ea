/**
 * The rules of the command policy's table, each tried alone (`decideWithRule`: one rule on one
 * command, nothing else checked), and the environment table through the whole policy.
 */
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {checkCommand, decideWithRule} from '../../src/core/tools/policy/command-policy.js'
import {commandRules} from '../../src/core/tools/policy/command-rules.js'
import {envRules} from '../../src/core/tools/policy/env-rules.js'

const home = mkdtempSync(join(tmpdir(), 'cto-rules-'))
const ws = join(home, 'proj')
mkdirSync(ws, {recursive: true})
const ctx = {env: {HOME: home, PATH: process.env.PATH}, workspace: ws}
afterAll(() => rmSync(home, {recursive: true, force: true}))

const allowed = {allowed: true, applies: true}
const refused = (rule: string) => ({allowed: false, rule, applies: true})

describe('the table', () => {
  it('has unique ids, and the first rule that applies decides', () => {
    const ids = commandRules.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    // perl is an interpreter first: its -i targets are checked by that rule, not by sed's.
    expect(decideWithRule('sed', "perl -pi -e 's/a/b/' ~/.bashrc", ctx)).toMatchObject({applies: false})
    expect(decideWithRule('interpreter', "perl -pi -e 's/a/b/' ~/.bashrc", ctx)).toMatchObject(refused('never-readable'))
    expect(() => decideWithRule('no-such-rule', 'ls', ctx)).toThrow(/no command rule/)
  })
})

describe('git', () => {
  it.each([
    ['git log --author=alice', allowed],
    ['git shortlog -sn --author=bob', allowed],
    ['git commit --author="x <x@y>" -m m', refused('git-identity')],
    ['git commit --reset-author --amend', refused('git-identity')],
    ['git -c core.hooksPath=/tmp/h commit -m x', refused('git-config-exec')],
    ["git -c diff.external='rm -rf ~' diff", refused('git-config-exec')],
    ['git config user.email x@y', refused('git-identity')],
    ['git config --get user.email', allowed],
    ['git push --force-with-lease', refused('force-push')],
    ['git push origin +main', refused('force-push')],
    ['git push origin main', allowed],
  ] as const)('%s', (command, expected) => {
    expect(decideWithRule('git', command, ctx)).toMatchObject(expected)
  })
})

describe('interpreters and awk: only the code words are code', () => {
  it.each([
    [`python3 -c 'print(1)' "$f"`, allowed],
    [`python3 -c "$CODE"`, refused('dynamic-inline-code')],
    [`python3 -W ignore -c 'import shutil; shutil.rmtree("x")'`, refused('inline-code-delete')],
    [`python3 -m http.server "$PORT"`, allowed],
    [`python3 script.py -c "$x"`, allowed],
    [`node -e 'console.log(1)' "$x"`, allowed],
    [`node -pe "require('child_process').execSync('id')"`, refused('inline-code-exec')],
    [`perl -lane 'print $F[0]' data.txt`, allowed],
    [`perl -e 'unlink "x"'`, refused('inline-code-delete')],
    [`ruby -e 'puts 1' "$x"`, allowed],
    [`awk '{print $1 "|" $2}' "$file"`, allowed],
    [`awk -F'|' -v OFS='|' '{print $2, $1}' data`, allowed],
    [`awk -f prog.awk data.txt`, allowed],
    [`awk "$PROGRAM" data.txt`, refused('dynamic-inline-code')],
    [`awk '{ print | "sort" }' data.txt`, refused('inline-code-exec')],
    [`awk '{ if (a || b) print "x" }' data.txt`, allowed],
    [`awk '$0 ~ /a|b/ { n++ }' data.txt`, allowed],
    [`awk '{ x = i++ / 2 | "sh" }' data.txt`, refused('inline-code-exec')],
    [`awk -l filefuncs 'BEGIN { }'`, refused('inline-code-eval')],
    [`echo 'import os' | python3`, {allowed: false, rule: 'pipe-to-interpreter'}],
  ] as const)('%s', (command, expected) => {
    const d = command.includes('|') && command.startsWith('echo') ? checkCommand(command, ctx) : decideWithRule('interpreter', command, ctx)
    expect(d).toMatchObject(expected)
  })
})

describe('sed: what its script does besides editing text', () => {
  it.each([
    ["sed -n 's/a|b/c/p' notes.txt", allowed],
    ["sed -E 's/(foo|bar)/e/g' in.txt", allowed],
    ["sed -i.bak -e 's/x/y/' -e '/^#/d' src/a.ts", allowed],
    ["sed -i 's/x/y/' ~/.bashrc", refused('never-readable')],
    ["sed '1e rm -rf ~' README.md", refused('inline-code-exec')],
    ["sed 's/.*/rm -rf ~/e' README.md", refused('inline-code-exec')],
    ["sed -n '1e cat ~/.ssh/id_rsa' README.md", refused('inline-code-exec')],
    [`sed -n 'w ${home}/.bashrc' README.md`, refused('never-readable')],
    ["sed -n 'w ~/.bashrc' README.md", allowed], // sed takes the name literally: ./~/.bashrc
    ["sed 's/a/b/w out.txt' README.md", allowed],
    [`sed '/x/r ${home}/.ssh/id_rsa' README.md`, refused('names-protected-path')],
    ["sed -e 'y/abc/xyz/' -e '$a\\' -e 'end' f", allowed],
    ["sed --sandbox '1e ls' f", allowed],
    ['sed "$SCRIPT" f', refused('dynamic-inline-code')],
    ["sed 's/a/b' f", refused('inline-code-exec')],
  ] as const)('%s', (command, expected) => {
    expect(decideWithRule('sed', command, ctx)).toMatchObject(expected)
  })
})

describe('deletes, wrappers and commands that run strings', () => {
  it.each([
    ['delete', 'rm -rf ./build', allowed],
    ['delete', 'rm -rf ~', refused('recursive-delete')],
    ['delete', 'rm -r "$DIR"', refused('unresolved-delete')],
    ['wrapper', 'timeout 5 ls', allowed],
    ['wrapper', 'sudo --frobnicate rm -rf ~', refused('recursive-delete')],
    ['wrapper', 'env -- X=1 rm -rf ~', refused('recursive-delete')],
    ['wrapper', 'env NODE_OPTIONS=--require=./x.js node app.js', refused('dangerous-env')],
    ['tar', 'tar czf out.tgz src', allowed],
    ['tar', "tar -cf x.tar y --checkpoint-action=exec='rm -rf ~'", refused('recursive-delete')],
    ['tar', "tar -I 'zstd -19' -cf x.tar.zst src", allowed],
    ['mapfile', "mapfile -C 'rm -rf ~' -c 1 lines", refused('recursive-delete')],
    ['mapfile', 'mapfile -t lines', allowed],
    ['shell', 'bash /dev/fd/3', refused('dynamic-shell-code')],
    ['shell', 'bash scripts/build.sh', allowed],
    ['shell', "bash -c 'rm -rf ~'", refused('recursive-delete')],
    ['builtin-override', 'hash -p /bin/rm ls', refused('dynamic-command')],
    ['find', 'find . -name "*.tmp" -delete', allowed],
    ['text-search', 'grep -rn TODO src', allowed],
    ['text-search', 'grep -rh KEY ~', refused('names-protected-path')],
    ['text-search', 'grep KEY ~/notes.txt', allowed],
    ['text-search', 'rg -n --glob "*.ts" -e KEY -e SECRET ~', refused('names-protected-path')],
    ['text-search', 'rg -n foo', allowed],
    ['copy', 'cp -r src backup', allowed],
    ['copy', 'cp -a ~ backup', refused('names-protected-path')],
    ['tar', 'tar czf dist.tgz dist', allowed],
    ['tar', 'tar -c -f home.tar ~', refused('names-protected-path')],
    ['tar', 'tar xzf ~/download.tgz', allowed],
    ['zip', 'zip -r out.zip src', allowed],
    ['zip', 'zip -r home.zip ~', refused('names-protected-path')],
    ['git', "git rebase -x 'rm -rf ~' HEAD~1", refused('recursive-delete')],
    ['git', "git rebase --exec='npm test' main", allowed],
    ['git', 'git bisect run rm -rf ~', refused('recursive-delete')],
    ['git', "git submodule foreach 'git pull'", allowed],
    ['git', "git filter-branch --tree-filter 'rm -rf ~' HEAD", refused('recursive-delete')],
    ['find', `find ${'src '.repeat(300)} -exec cat {} +`, refused('too-complex')],
  ] as const)('%s: %s', (rule, command, expected) => {
    expect(decideWithRule(rule, command, ctx)).toMatchObject(expected)
  })
})

describe('environment assignments (env-rules.ts)', () => {
  it('has unique ids', () => {
    expect(new Set(envRules.map((r) => r.id)).size).toBe(envRules.length)
  })
  it.each([
    ['NODE_OPTIONS=--max-old-space-size=4096 npm run build', true],
    ['NODE_OPTIONS="--enable-source-maps --no-warnings -C dev" node a.js', true],
    ['NODE_OPTIONS="--require ./x.js" npm test', false],
    ['NODE_OPTIONS=--import=./x.mjs npm test', false],
    ['NODE_OPTIONS=--inspect=0.0.0.0:9229 npm start', false],
    ['NODE_OPTIONS=--redirect-warnings=/tmp/x npm test', false],
    ['NODE_OPTIONS="$O" npm test', false],
    ['export NODE_OPTIONS', true],
    ['LD_LIBRARY_PATH=./lib:/usr/local/lib ./app', true],
    ['LD_LIBRARY_PATH="$LIBS" ./app', false],
    ['LD_LIBRARY_PATH=~/.ssh ./app', false],
    ['LD_PRELOAD=./x.so ./app', false],
    ['GIT_EDITOR=true git rebase --continue', true],
    ['GIT_EDITOR="sed -i s/pick/reword/" git rebase -i HEAD~2', true],
    ['GIT_EDITOR="rm -rf ~" git commit', false],
    ['GIT_AUTHOR_NAME=someone git commit -m x', false],
    ['BASH_ENV=./env.sh bash -c ls', false],
    ['CI=1 NODE_ENV=test npm test', true],
  ] as const)('%s', (command, ok) => {
    expect(checkCommand(command, ctx).allowed).toBe(ok)
  })
})
