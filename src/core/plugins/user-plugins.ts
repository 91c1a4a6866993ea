/**
 * The plugins a user installed or linked, as oclif's plugin-plugins records them in
 * `<data dir>/package.json` (`oclif.plugins`), with the version each has on disk: what
 * `cto plugins link|update|reset --json` compare before and after oclif's own command runs.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

export interface UserPlugin {
  name: string
  /** user (installed) or link (linked from a folder). */
  type: string
  version: string | null
  root: string
}

export async function readUserPlugins(dataDir: string): Promise<UserPlugin[]> {
  const pjson = await readJson(join(dataDir, 'package.json'))
  const entries = ((pjson?.oclif as {plugins?: unknown} | undefined)?.plugins ?? []) as Array<{name?: unknown; type?: unknown; root?: unknown}>
  const out: UserPlugin[] = []
  for (const e of Array.isArray(entries) ? entries : []) {
    if (typeof e?.name !== 'string') continue
    const type = typeof e.type === 'string' ? e.type : 'user'
    const root = type === 'link' && typeof e.root === 'string' ? e.root : join(dataDir, 'node_modules', e.name)
    const version = (await readJson(join(root, 'package.json')))?.version
    out.push({name: e.name, type, version: typeof version === 'string' ? version : null, root})
  }
  return out
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
  } catch {
    return undefined
  }
}
