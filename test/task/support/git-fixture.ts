/**
 * Git and file helpers for the attempt tests: a shell runner with a fixed identity and no global
 * config of the developer's, and a byte-for-byte fingerprint of a folder tree (modes and links too).
 */
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {lstat, readFile, readdir, readlink} from 'node:fs/promises'
import {join, relative} from 'node:path'

export function gitEnv(home: string): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')))
  return {
    ...base,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test User',
    GIT_AUTHOR_EMAIL: 'user@example.test',
    GIT_COMMITTER_NAME: 'Test User',
    GIT_COMMITTER_EMAIL: 'user@example.test',
  }
}

/** Runs a shell command; throws with its output when it fails. */
export function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], {cwd, env, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${stderr}${stdout}`))
      else resolve(String(stdout))
    })
  })
}

/** path → "file <mode> <sha256>" / "link <target>" / "dir <mode>", for every entry under root. */
export async function fingerprint(root: string, opts: {skip?: (rel: string) => boolean} = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const p = join(dir, name)
      const rel = relative(root, p)
      if (opts.skip?.(rel)) continue
      const st = await lstat(p)
      if (st.isSymbolicLink()) out[rel] = `link ${await readlink(p)}`
      else if (st.isDirectory()) {
        out[rel] = `dir ${(st.mode & 0o777).toString(8)}`
        await walk(p)
      } else out[rel] = `file ${(st.mode & 0o777).toString(8)} ${createHash('sha256').update(await readFile(p)).digest('hex')}`
    }
  }
  await walk(root)
  return out
}
