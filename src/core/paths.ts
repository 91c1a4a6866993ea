import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * Where cto keeps things. Every function reads the environment at call time: tests and users can
 * change HOME or XDG_* between calls, and nothing is cached.
 */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME && env.HOME.length > 0 ? env.HOME : homedir()
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
