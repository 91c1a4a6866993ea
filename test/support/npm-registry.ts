/**
 * A private npm registry on 127.0.0.1 for tests: verdaccio (a devDependency) with no uplinks, so
 * nothing reaches the public registry; storage and users in a temp folder. `startRegistry()` adds a
 * user and returns an npmrc with its token, as `npm adduser` would.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdir, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {join} from 'node:path'
import {REPO} from './run-cli.js'

export interface Registry {
  url: string
  /** An npm user config file: the registry and a publish token. */
  npmrc: string
  /** npm settings for child processes: this registry, this npmrc. */
  env: NodeJS.ProcessEnv
  log: () => string
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address() as {port: number}
      s.close(() => resolve(port))
    })
  })
}

export async function startRegistry(dir: string): Promise<Registry> {
  await mkdir(join(dir, 'storage'), {recursive: true})
  const config = join(dir, 'config.yaml')
  await writeFile(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      'log: {type: stdout, format: pretty, level: warn}',
      'web: {enable: false}',
      '',
    ].join('\n'),
  )
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(process.execPath, [join(REPO, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`], {stdio: ['ignore', 'pipe', 'pipe']})
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}): ${output}`)
    const ok = await fetch(`${url}/-/ping`).then((r) => r.ok, () => false)
    if (ok) break
    if (Date.now() > deadline) {
      await close()
      throw new Error(`verdaccio did not answer on ${url} within 30 s: ${output}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  // What `npm adduser` does: create the user, get a token.
  const res = await fetch(`${url}/-/user/org.couchdb.user:plugin-author`, {
    method: 'PUT',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({name: 'plugin-author', password: 'test-password-0123', type: 'user', roles: [], date: new Date().toISOString()}),
  })
  const {token} = (await res.json()) as {token?: string}
  if (!res.ok || !token) {
    await close()
    throw new Error(`verdaccio refused the test user (${res.status})`)
  }
  const npmrc = join(dir, 'npmrc')
  await writeFile(npmrc, `registry=${url}/\n//127.0.0.1:${port}/:_authToken=${token}\n`)
  return {url, npmrc, env: {npm_config_userconfig: npmrc, npm_config_registry: `${url}/`, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false'}, log: () => output, close}
}
