import {execFile} from 'node:child_process'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir, userInfo} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'

const REPO = resolve(import.meta.dirname, '..', '..')
// tsx's loader by path: the command runs in a folder with no node_modules.
const TSX = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href

/** `cto config path --json` from the sources in a process whose HOME is what `home` says. */
function configPath(home: string, cwd: string): Promise<Record<string, string>> {
  const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: home}
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--conditions=@cto-cli/source', '--import', TSX, join(REPO, 'bin', 'dev.js'), 'config', 'path', '--json'], {cwd, env}, (error, stdout, stderr) => {
      if (error) fail(new Error(`${error.message}\n${stderr}`))
      else done(JSON.parse(stdout) as Record<string, string>)
    })
  })
}

describe('paths', () => {
  it("an empty HOME is not the current folder: the account's home is used, so nothing lands where the command ran", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cto-emptyhome-'))
    try {
      const paths = await configPath('', cwd)
      const home = userInfo().homedir
      const values = Object.values(paths).filter((v) => typeof v === 'string' && v.includes('cto'))
      expect(values.length).toBeGreaterThan(0)
      for (const v of values) expect(v.startsWith(`${home}/`), v).toBe(true)
      expect(await readdir(cwd)).toEqual([])
    } finally {
      await rm(cwd, {recursive: true, force: true})
    }
  })
})
