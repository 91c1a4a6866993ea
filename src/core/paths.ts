import {existsSync} from 'node:fs'
import {homedir, userInfo} from 'node:os'
import {join} from 'node:path'

/**
 * Where cto keeps things. Every function reads the environment at call time: tests and users can
 * change HOME or XDG_* between calls, and nothing is cached.
 */
/**
 * $HOME; where it is unset or empty, the account's home from the password database. (Node's
 * homedir() returns an empty HOME as it is, and every path below would then be relative to the
 * current folder: cto's store, keys and config written wherever the command ran.)
 */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HOME && env.HOME.length > 0) return env.HOME
  const home = homedir()
  if (home.length > 0) return home
  try {
    return userInfo().homedir
  } catch {
    return home
  }
}

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homeDir(env), '.config'), 'cto')
}

/** Names a user might give the user config that cto does not read (it reads config.json only). */
const STRAY_USER_CONFIG_NAMES = ['config.yaml', 'config.yml', 'config.jsonc', 'config.json5', 'config.toml', '.ctorc', '.ctorc.json', '.ctorc.yaml', '.ctorc.yml', 'cto.config.json']

/** Files in the config folder that look like a user config but are not read (config.json is). */
export function strayUserConfigs(env: NodeJS.ProcessEnv = process.env): string[] {
  return STRAY_USER_CONFIG_NAMES.map((n) => join(configDir(env), n)).filter((p) => existsSync(p))
}

/** The user config file: `$XDG_CONFIG_HOME/cto/config.json`. */
export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.json')
}

/** Data directory (performance store, task log): `CTO_DATA_DIR`, else `$XDG_DATA_HOME/cto`. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CTO_DATA_DIR) return env.CTO_DATA_DIR
  return join(env.XDG_DATA_HOME || join(homeDir(env), '.local', 'share'), 'cto')
}

/** Per-model agent config with endpoint and key, as in the original system: `~/agents/<model>/config.json`. */
export function agentConfigPath(model: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(homeDir(env), 'agents', model, 'config.json')
}

/** Cache directory (what can be thrown away): `$XDG_CACHE_HOME/cto`, default `~/.cache/cto`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homeDir(env), '.cache'), 'cto')
}
