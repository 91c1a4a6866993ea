/**
 * Who ran an attempt, written on each record so a team store can tell its members apart
 * (`cto perf --by user`): `CTO_USER` when set, else `<login>@<host>`.
 */
import {hostname, userInfo} from 'node:os'

export function recordingUser(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.CTO_USER?.trim()
  if (set) return set.slice(0, 200)
  let login: string
  try {
    login = userInfo().username
  } catch {
    login = env.USER || env.LOGNAME || 'unknown'
  }
  return `${login}@${hostname()}`.slice(0, 200)
}
