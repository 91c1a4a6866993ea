/**
 * Attempt copies with real git on real folders: the copy shows the user's exact state (staged,
 * unstaged, untracked; ignored files left out), a change made in it is found to the byte and
 * applied back without touching the user's index or history, a conflict writes nothing, a worker's
 * planted git config runs nothing in cto's process, and the user's `.git` is never written.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {existsSync} from 'node:fs'
import {chmod, mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createToolRunner} from '../../src/core/tools/worker/tool-runner.js'
import {readableInSandbox} from '../../src/core/task/sandbox-readable.js'
import {applyChange} from '../../src/core/workspace/apply-change.js'
import {prepareAttemptWorkspace, type AttemptWorkspace} from '../../src/core/workspace/attempt-workspace.js'
import {findProject} from '../../src/core/workspace/project.js'
import {fingerprint, gitEnv, sh} from './support/git-fixture.js'

let tmp: string
let home: string
let repo: string
let env: NodeJS.ProcessEnv
let attempt: AttemptWorkspace | undefined

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'cto-attempt-'))
  home = join(tmp, 'home')
  repo = join(home, 'project')
  await mkdir(repo, {recursive: true})
  env = gitEnv(home)
})
afterEach(async () => {
  await attempt?.dispose()
  attempt = undefined
  await rm(tmp, {recursive: true, force: true})
})

/** A repository with every kind of uncommitted state. */
async function messyRepo(): Promise<void> {
  await sh('git init -q -b main', repo, env)
  await writeFile(join(repo, '.gitignore'), 'secret.env\nnode_modules/\nbuild/\n')
  await writeFile(join(repo, 'staged.txt'), 'one\n')
  await writeFile(join(repo, 'unstaged.txt'), 'alpha\nbeta\n')
  await writeFile(join(repo, 'deleted.txt'), 'to be deleted\n')
  await writeFile(join(repo, 'image.bin'), Buffer.from([0, 1, 2, 3, 255, 0, 7]))
  await writeFile(join(repo, 'run.sh'), '#!/bin/sh\necho hi\n')
  await chmod(join(repo, 'run.sh'), 0o755)
  await symlink('staged.txt', join(repo, 'link.txt'))
  await sh('git add -A && git commit -qm initial', repo, env)
  // Uncommitted: staged, unstaged, both on one file, untracked, deleted, ignored.
  await writeFile(join(repo, 'staged.txt'), 'one\ntwo\n')
  await sh('git add staged.txt', repo, env)
  await writeFile(join(repo, 'staged.txt'), 'one\ntwo\nthree (unstaged on top)\n')
  await writeFile(join(repo, 'unstaged.txt'), 'alpha\nBETA\n')
  await writeFile(join(repo, 'untracked.txt'), 'new and untracked\n')
  await unlink(join(repo, 'deleted.txt'))
  await writeFile(join(repo, 'secret.env'), 'TOKEN=ignored-by-git\n')
  await mkdir(join(repo, 'node_modules', 'dep'), {recursive: true})
  await writeFile(join(repo, 'node_modules', 'dep', 'index.js'), 'module.exports = 1\n')
  await mkdir(join(repo, 'build'))
  await writeFile(join(repo, 'build', 'out.js'), 'built\n')
}

async function prepare(workspace = repo): Promise<AttemptWorkspace> {
  const project = await findProject(workspace, env)
  attempt = await prepareAttemptWorkspace({project, dir: join(tmp, 'task', 'attempt-1'), env, copyIgnored: ['node_modules']})
  return attempt
}

describe('an attempt copy of a git project', () => {
  it("shows the user's exact uncommitted state; ignored files stay out except node_modules", async () => {
    await messyRepo()
    const status = await sh('git status --porcelain=v1 --untracked-files=all', repo, env)
    const staged = await sh('git diff --cached', repo, env)
    const a = await prepare()
    expect(a.copyRoot.startsWith(join(tmp, 'task'))).toBe(true)
    expect(await sh('git status --porcelain=v1 --untracked-files=all', a.copyRoot, env)).toBe(status)
    expect(await sh('git diff --cached', a.copyRoot, env)).toBe(staged)
    const mine = await fingerprint(repo, {skip: (p) => p === '.git' || p.startsWith('secret') || p.startsWith('build')})
    const copy = await fingerprint(a.copyRoot, {skip: (p) => p === '.git'})
    expect(copy).toEqual(mine)
    expect(existsSync(join(a.copyRoot, 'secret.env'))).toBe(false)
    expect(existsSync(join(a.copyRoot, 'build'))).toBe(false)
    // The copy's git metadata is its own; objects are borrowed read-only from the user's repository.
    expect(await readFile(join(a.copyRoot, '.git', 'objects', 'info', 'alternates'), 'utf8')).toContain(join(repo, '.git', 'objects'))
    expect(a.readOnlyPaths).toEqual([join(repo, '.git', 'objects')])
    expect(await sh('git remote', a.copyRoot, env)).toBe('')
    expect((await sh('git branch --show-current', a.copyRoot, env)).trim()).toBe('main')
  })

  it("finds a worker's change to the byte and applies it to the user's files only: index, HEAD and .git untouched", async () => {
    await messyRepo()
    const gitBefore = await fingerprint(join(repo, '.git'))
    const headBefore = await sh('git rev-parse HEAD', repo, env)
    const stagedBefore = await sh('git diff --cached', repo, env)
    const a = await prepare()
    // The worker: edit, create, delete, binary, mode, plus its own commit in the copy.
    await writeFile(join(a.workspace, 'unstaged.txt'), 'alpha\nBETA\ngamma\n')
    await writeFile(join(a.workspace, 'created.txt'), 'made by the worker\n')
    await unlink(join(a.workspace, 'untracked.txt'))
    await writeFile(join(a.workspace, 'image.bin'), Buffer.from([9, 9, 0, 255]))
    await chmod(join(a.workspace, 'run.sh'), 0o644)
    await sh('git add -A && git commit -qm "worker commit"', a.copyRoot, env)
    const change = await a.collectChange()
    expect(change.files.map((f) => [f.path, f.status, f.added, f.removed]).sort()).toEqual([
      ['created.txt', 'added', 1, 0],
      ['image.bin', 'modified', null, null],
      ['run.sh', 'modified', 0, 0],
      ['unstaged.txt', 'modified', 1, 0],
      ['untracked.txt', 'deleted', 0, 1],
    ])
    expect(change.added).toBe(2)
    expect(change.removed).toBe(1)
    const readable = await readFile(change.diffFile, 'utf8')
    expect(readable).toContain('+gamma')
    expect(readable).toMatch(/diff --git a\/image\.bin b\/image\.bin\nindex [0-9a-f]+\.\.[0-9a-f]+ 100644\nBinary files differ\n/)
    expect(readable).not.toContain('GIT binary patch')
    expect(change.patch.toString('utf8')).toContain('GIT binary patch')

    expect(await applyChange(a.project, change.patchFile, env)).toEqual({applied: true})
    expect(await readFile(join(repo, 'unstaged.txt'), 'utf8')).toBe('alpha\nBETA\ngamma\n')
    expect(await readFile(join(repo, 'created.txt'), 'utf8')).toBe('made by the worker\n')
    expect(existsSync(join(repo, 'untracked.txt'))).toBe(false)
    expect([...(await readFile(join(repo, 'image.bin')))]).toEqual([9, 9, 0, 255])
    expect(((await import('node:fs')).statSync(join(repo, 'run.sh')).mode & 0o777).toString(8)).toBe('644')
    // The user's own work: still staged and unstaged as before, nothing committed, .git byte-identical.
    expect(await readFile(join(repo, 'staged.txt'), 'utf8')).toBe('one\ntwo\nthree (unstaged on top)\n')
    expect(await sh('git diff --cached', repo, env)).toBe(stagedBefore)
    expect(await sh('git rev-parse HEAD', repo, env)).toBe(headBefore)
    expect(await fingerprint(join(repo, '.git'))).toEqual(gitBefore)
    expect(await readFile(join(repo, 'secret.env'), 'utf8')).toBe('TOKEN=ignored-by-git\n')
  })

  it('stops on a conflict: nothing written, the reason names the file', async () => {
    await messyRepo()
    const a = await prepare()
    await writeFile(join(a.workspace, 'unstaged.txt'), 'alpha\nworker version\n')
    const change = await a.collectChange()
    await writeFile(join(repo, 'unstaged.txt'), 'alpha\nthe user edited this meanwhile\n')
    const before = await fingerprint(repo)
    const outcome = await applyChange(a.project, change.patchFile, env)
    expect(outcome.applied).toBe(false)
    expect(outcome.applied === false && outcome.reason).toMatch(/unstaged\.txt/)
    expect(await fingerprint(repo)).toEqual(before)
    expect(existsSync(change.patchFile)).toBe(true)
  })

  it("runs nothing a worker planted in the copy's git config or attributes", async () => {
    await messyRepo()
    const a = await prepare()
    const marker = join(tmp, 'pwned')
    await writeFile(
      join(a.copyRoot, '.git', 'config'),
      `[core]\n\tfsmonitor = "touch ${marker}-fsmonitor"\n\thooksPath = hooks\n[filter "evil"]\n\tclean = touch ${marker}-filter\n[diff "evil"]\n\ttextconv = touch ${marker}-textconv\n`,
    )
    await writeFile(join(a.copyRoot, '.gitattributes'), '* filter=evil diff=evil\n')
    await writeFile(join(a.workspace, 'unstaged.txt'), 'changed\n')
    const change = await a.collectChange()
    expect(change.files.map((f) => f.path).sort()).toEqual(['.gitattributes', 'unstaged.txt'])
    expect(existsSync(`${marker}-fsmonitor`)).toBe(false)
    expect(existsSync(`${marker}-filter`)).toBe(false)
    expect(existsSync(`${marker}-textconv`)).toBe(false)
  })

  it("never carries a change to cto's own config files over", async () => {
    await messyRepo()
    const a = await prepare()
    await writeFile(join(a.workspace, 'cto.config.json'), '{"provider_endpoints": {"deepseek": {"api_url": "https://evil.example"}}}')
    await mkdir(join(a.workspace, 'sub', '.claude'), {recursive: true})
    await writeFile(join(a.workspace, 'sub', '.claude', 'settings.json'), '{}')
    await writeFile(join(a.workspace, 'unstaged.txt'), 'changed\n')
    const change = await a.collectChange()
    expect(change.files.map((f) => f.path)).toEqual(['unstaged.txt'])
    expect(change.dropped.sort()).toEqual(['cto.config.json', 'sub/.claude/settings.json'])
    expect(await applyChange(a.project, change.patchFile, env)).toEqual({applied: true})
    expect(existsSync(join(repo, 'cto.config.json'))).toBe(false)
  })

  it('works in a repository without commits, and from a subfolder (the copy of that subfolder is the workspace)', async () => {
    await sh('git init -q -b trunk', repo, env)
    await mkdir(join(repo, 'pkg'))
    await writeFile(join(repo, 'pkg', 'a.txt'), 'a\n')
    await sh('git add pkg/a.txt', repo, env)
    const a = await prepare(join(repo, 'pkg'))
    expect(a.workspace).toBe(join(a.copyRoot, 'pkg'))
    expect(await readFile(join(a.workspace, 'a.txt'), 'utf8')).toBe('a\n')
    expect(await sh('git status --porcelain', a.copyRoot, env)).toBe('A  pkg/a.txt\n')
    await writeFile(join(a.workspace, 'b.txt'), 'b\n')
    const change = await a.collectChange()
    expect(change.files.map((f) => f.path)).toEqual(['pkg/b.txt'])
    expect(await applyChange(a.project, change.patchFile, env)).toEqual({applied: true})
    expect(await readFile(join(repo, 'pkg', 'b.txt'), 'utf8')).toBe('b\n')
  })

  it('removes the copy on dispose and keeps the patch', async () => {
    await messyRepo()
    const a = await prepare()
    await writeFile(join(a.workspace, 'x.txt'), 'x\n')
    await mkdir(join(a.workspace, 'locked'))
    await writeFile(join(a.workspace, 'locked', 'f'), 'f')
    await chmod(join(a.workspace, 'locked'), 0o500)
    const change = await a.collectChange()
    await a.dispose()
    expect(existsSync(a.copyRoot)).toBe(false)
    expect(existsSync(join(tmp, 'task', 'attempt-1', 'snapshot.git'))).toBe(false)
    expect(await readFile(change.patchFile, 'utf8')).toContain('+x')
  })
})

describe('an attempt copy of a plain folder', () => {
  it('copies it whole, finds the change, applies it without creating a .git', async () => {
    await writeFile(join(repo, 'a.txt'), 'one\n')
    await mkdir(join(repo, 'node_modules'))
    await writeFile(join(repo, 'node_modules', 'x.js'), 'x\n')
    const a = await prepare()
    expect(a.project.kind).toBe('plain')
    expect(await fingerprint(a.copyRoot)).toEqual(await fingerprint(repo))
    await writeFile(join(a.workspace, 'a.txt'), 'two\n')
    await writeFile(join(a.workspace, 'b.txt'), 'new\n')
    const change = await a.collectChange()
    expect(change.files.map((f) => f.path).sort()).toEqual(['a.txt', 'b.txt'])
    expect(await applyChange(a.project, change.patchFile, env)).toEqual({applied: true})
    expect(await readFile(join(repo, 'a.txt'), 'utf8')).toBe('two\n')
    expect(await readFile(join(repo, 'b.txt'), 'utf8')).toBe('new\n')
    expect(existsSync(join(repo, '.git'))).toBe(false)
  })

  it('refuses to copy the home folder, and says how to point the workspace', async () => {
    await expect(findProject(home, env)).rejects.toThrow(/home folder/)
    await expect(findProject(home, env)).rejects.toMatchObject({code: 'WORKSPACE_TOO_BROAD', actions: expect.arrayContaining([expect.stringMatching(/--workspace/), expect.stringMatching(/--in-place/)])})
  })
})

describe('git inside the OS sandbox, in an attempt copy', () => {
  // The user's repository must be readable inside the sandbox (the copy borrows its objects); the
  // bubblewrap sandbox of today hides /tmp, so it lives in /var/tmp here, as a home folder would be
  // visible and read-only. Its .git is never writable in there.
  const bwrap = (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, 'bwrap'))) && existsSync('/var/tmp')
  it.skipIf(!bwrap)(`git add and git commit work in the copy while the user's .git stays read-only and byte-identical${bwrap ? '' : ' (SKIPPED: needs bwrap: apt-get install bubblewrap)'}`, async () => {
    const outside = await mkdtemp(join('/var/tmp', 'cto-attempt-user-'))
    try {
      const userRepo = join(outside, 'project')
      await mkdir(userRepo)
      await sh('git init -q -b main && echo one > a.txt && git add a.txt && git commit -qm one && echo uncommitted >> a.txt', userRepo, env)
      const gitBefore = await fingerprint(join(userRepo, '.git'))
      const project = await findProject(userRepo, env)
      attempt = await prepareAttemptWorkspace({project, dir: join(tmp, 'task', 'attempt-1'), env})
      // The borrowed objects must be readable inside the sandbox (issue 10's sandbox hides /var/tmp and home folders).
      const runner = createToolRunner({model: 'deepseek', workspace: attempt.workspace, policy: readableInSandbox({sandbox: 'bubblewrap'}, attempt.readOnlyPaths), env})
      const run = async (command: string) => {
        const r = await runner.execute('run_command', JSON.stringify({command}))
        if (!r.ok) throw new Error(r.error)
        return r.data as {exit_code: number; stdout: string; stderr: string; sandbox: string}
      }
      const commit = await run('echo two >> a.txt && git add a.txt && git commit -qm "worker commit" && git log --oneline | wc -l && git status --porcelain')
      expect(commit.sandbox).not.toBe('none')
      expect(commit.exit_code, commit.stderr).toBe(0)
      expect(commit.stdout).toBe('2\n')
      // Writing the user's repository from inside fails: it is outside the sandbox's writable folder.
      const escape = await run(`git --git-dir=${join(userRepo, '.git')} update-ref refs/heads/evil HEAD`)
      expect(escape.exit_code).not.toBe(0)
      expect(escape.stderr).toMatch(/Read-only file system|cannot lock ref|not a git repository/)
      expect(await fingerprint(join(userRepo, '.git'))).toEqual(gitBefore)
      const change = await attempt.collectChange()
      expect(change.files.map((f) => [f.path, f.added])).toEqual([['a.txt', 1]])
    } finally {
      await rm(outside, {recursive: true, force: true})
    }
  })
})
