// Writes V8's code cache for the bundled @oclif/core (dist/vendor/oclif-core.cache), after the
// build made the manifests: loading it and the CLI's config here compiles the functions every
// start runs, and the cache keeps them compiled (scripts/vendor/code-cached-commonjs.mjs).
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {writeCodeCache} from './vendor/code-cached-commonjs.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const vendor = join(root, 'dist', 'vendor')
await writeCodeCache(join(vendor, 'oclif-core.cjs'), join(vendor, 'oclif-core.cache'), (url) => import(url), async (core) => {
  core.settings.enableAutoTranspile = false
  const config = await core.Config.load({root})
  await config.findCommand('models:list')?.load()
})
console.log('dist/vendor/oclif-core.cache written')
