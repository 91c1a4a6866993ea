/**
 * `--open`: hands the file to the user's browser. `$BROWSER` when set (the convention of git,
 * Python's webbrowser and many CLIs), else `open` on macOS, `cmd /c start` on Windows, `xdg-open`
 * elsewhere. The opener is waited for up to `waitMs` (xdg-open exits once the browser has the
 * file, or at once with an error when there is none); one still running after 1.5 s (a browser
 * named in $BROWSER) is left to run.
 * Never throws: the caller says where the file is when it could not be opened.
 */
import {spawn} from 'node:child_process'

export interface OpenResult {
  opened: boolean
  /** The command used (argv[0]). */
  with: string
  /** Why it did not open, when it did not. */
  reason?: string
}

export function openerFor(file: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (env.BROWSER) return [env.BROWSER, file]
  if (platform === 'darwin') return ['open', file]
  if (platform === 'win32') return ['cmd', '/c', 'start', '""', file]
  return ['xdg-open', file]
}

export function openInBrowser(file: string, opts: {platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv; waitMs?: number} = {}): Promise<OpenResult> {
  const env = opts.env ?? process.env
  const platform = opts.platform ?? process.platform
  const argv = openerFor(file, platform, env)
  return new Promise((resolve) => {
    let settled = false
    const done = (r: OpenResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(r)
    }
    const child = spawn(argv[0], argv.slice(1), {env, stdio: 'ignore', detached: true, windowsVerbatimArguments: platform === 'win32' && !env.BROWSER})
    child.on('error', (error: NodeJS.ErrnoException) =>
      done({opened: false, with: argv[0], reason: error.code === 'ENOENT' ? `${argv[0]} was not found` : error.message}),
    )
    child.on('exit', (code, signal) =>
      done(code === 0 ? {opened: true, with: argv[0]} : {opened: false, with: argv[0], reason: `${argv[0]} ${signal ? `was ended by ${signal}` : `exited with ${code}`}`}),
    )
    const timer = setTimeout(() => {
      child.unref()
      done({opened: true, with: argv[0]})
    }, opts.waitMs ?? 1500)
  })
}
