/**
 * The environment a command runs with: the caller's, minus variables that hold secrets, plus the
 * model's git identity (so what a model commits is attributed to it) and a marker that lets the
 * executor find every process of the run, even one that left the process group.
 */

/** Names of variables that hold secrets: `*_API_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*` and kin. */
export const secretEnvPattern = /(API_KEY|_TOKEN|SECRET|PASSWORD|PASSWD|_CREDENTIALS?|_PRIVATE_KEY|_ACCESS_KEY|_AUTH)$|PASSWORD|SECRET/i

export const RUN_MARKER = 'CTO_TOOL_RUN'

export interface GitIdentity {
  name: string
  email: string
}

/** `deepseek` → `deepseek (cto)` / `deepseek@cto.local`. */
export function gitIdentity(model: string): GitIdentity {
  const slug = model.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'
  return {name: `${model} (cto)`, email: `${slug}@cto.local`}
}

/** A URL with a password in it (`postgres://user:secret@host/db`, as CTO_STORE_URL or DATABASE_URL hold). */
export const credentialUrlPattern = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s:]*:[^/@\s]+@/i

export function scrubEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || secretEnvPattern.test(k) || credentialUrlPattern.test(v) || k === 'CTO_STORE_URL') continue
    out[k] = v
  }
  return out
}

/** What every command gets on top of its environment: the model's git identity, no pagers, the run marker. */
export function commandIdentity(model: string, runId: string): NodeJS.ProcessEnv {
  const id = gitIdentity(model)
  return {
    GIT_AUTHOR_NAME: id.name,
    GIT_AUTHOR_EMAIL: id.email,
    GIT_COMMITTER_NAME: id.name,
    GIT_COMMITTER_EMAIL: id.email,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    [RUN_MARKER]: runId,
  }
}

/** Without the OS sandbox: the caller's environment minus variables that look like secrets (a deny-list). */
export function commandEnv(env: NodeJS.ProcessEnv, model: string, runId: string): NodeJS.ProcessEnv {
  return {...scrubEnv(env), ...commandIdentity(model, runId)}
}
