// Writes V8's code cache for the bundled @oclif/core (dist/vendor/oclif-core.<content hash>.cache), after the
// build made the manifests: loading it and the CLI's config here compiles the functions every
// start runs, and the cache keeps them compiled (scripts/vendor/code-cached-commonjs.mjs).
import {readdirSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {cacheFileFor, writeCodeCache} from './vendor/code-cached-commonjs.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const vendor = join(root, 'dist', 'vendor')
const cjs = join(vendor, 'oclif-core.cjs')
const cache = cacheFileFor(cjs)
// Caches of earlier builds: never read (another name), only in the way.
for (const name of readdirSync(vendor)) if (name.endsWith('.cache') && join(vendor, name) !== cache) rmSync(join(vendor, name))
await writeCodeCache(cjs, cache, (url) => import(url), async (core) => {
  core.settings.enableAutoTranspile = false
  const config = await core.Config.load({root})
  await config.findCommand('models:list')?.load()
})
console.log(`${cache.slice(cache.indexOf('dist/'))} written`)
