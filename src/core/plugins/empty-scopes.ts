/**
 * npm uninstall leaves a scope's folder behind when it removed the scope's last package
 * (`node_modules/@cto-cli/`, empty): the root's plugins:postuninstall hook (src/hooks/plugins-postuninstall.ts) removes such empty folders, so an
 * uninstalled plugin leaves nothing. Only empty folders go: rmdir refuses anything else.
 */
import {readdir, rmdir} from 'node:fs/promises'
import {join} from 'node:path'

export async function removeEmptyScopes(nodeModules: string): Promise<string[]> {
  const entries = await readdir(nodeModules, {withFileTypes: true}).catch(() => [])
  const removed: string[] = []
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith('@')) continue
    const dir = join(nodeModules, e.name)
    if ((await readdir(dir)).length > 0) continue
    await rmdir(dir).then(
      () => removed.push(dir),
      () => {},
    )
  }
  return removed
}
