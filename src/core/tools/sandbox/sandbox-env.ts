/**
 * The environment of a sandboxed command: an allow-list, not a deny-list. A variable reaches the
 * command only if it is named here or in `tools.sandbox.env`; keys, tokens, agent sockets
 * (SSH_AUTH_SOCK), cloud profiles and the like never do, whatever they are called.
 */
import {commandIdentity} from '../worker/process-env.js'

/** Variables every command gets, when set. */
export const SANDBOX_ENV_ALLOW = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'COLORTERM', 'NO_COLOR', 'FORCE_COLOR', 'TZ', 'CI', 'NODE_ENV', 'PYTHONDONTWRITEBYTECODE', 'PYTHONUNBUFFERED', 'GOPATH', 'GOROOT', 'CARGO_HOME', 'RUSTUP_HOME', 'NVM_DIR', 'PYENV_ROOT', 'JAVA_HOME']
const LOCALE = /^LC_[A-Z]+$/

/** Whether a variable passes the allow-list. */
export function sandboxEnvAllows(extraNames: string[]): (name: string) => boolean {
  const names = new Set([...SANDBOX_ENV_ALLOW, ...extraNames])
  return (name) => names.has(name) || LOCALE.test(name)
}

export function sandboxEnv(env: NodeJS.ProcessEnv, extraNames: string[], model: string, runId: string): NodeJS.ProcessEnv {
  const allows = sandboxEnvAllows(extraNames)
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && allows(k)) out[k] = v
  }
  out.PATH ??= '/usr/local/bin:/usr/bin:/bin'
  return {...out, ...commandIdentity(model, runId)}
}
