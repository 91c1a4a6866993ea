// Writes oclif.manifest.json for the root CLI and for each provider plugin, so start-up neither
// imports every command to learn its flags nor searches a plugin's folders for commands. Same
// steps as `oclif manifest`, without that tool's dependency tree (oclif 4's CLI pulls in the AWS
// SDK; oclif 6 needs Node 22).
import {Plugin} from '@oclif/core'
import {readdir, writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const roots = [root, ...(await readdir(join(root, 'plugins'))).map((d) => join(root, 'plugins', d))]
for (const dir of roots) {
  const plugin = new Plugin({root: dir, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: dir === root})
  await plugin.load()
  await writeFile(join(dir, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n')
}
console.log(`oclif.manifest.json written for the CLI and ${roots.length - 1} plugins`)
