// Writes oclif.manifest.json for the root CLI, so start-up does not import every command to learn
// its flags. Same steps as `oclif manifest`, without that tool's dependency tree (oclif 4's CLI
// pulls in the AWS SDK; oclif 6 needs Node 22).
import {Plugin} from '@oclif/core'
import {writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const plugin = new Plugin({root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true})
await plugin.load()
await writeFile(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)
