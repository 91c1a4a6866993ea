// Loads one CommonJS file with V8's code cache beside it: the bundled @oclif/core
// (scripts/bundle.mjs), which every command loads first. Compiling its 730 KB and running it took
// ~25 ms of each start; with the functions a start uses already compiled in the cache, about half
// (bench/startup.ts). Node 22 does this for every module (module.enableCompileCache); Node 20 has
// only vm.Script's cachedData, and a script V8 takes from a cache can't import() (Node 20 loses
// its dynamic-import callback: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING). So the build rewrites the
// bundle's `await import(x)` to `await __ctoImport(x)` (every site passes an absolute file URL),
// and the ES module that loads it passes its own import(). The v8-compile-cache package caches
// every require() in a shared temp folder and has the same import() problem.
//
// The cache is written by the build (writeCodeCache) for the Node that built it; a cache V8
// rejects (another Node version, other flags) costs nothing but the compile it would have saved.
// V8 checks a cache against its source by the source's LENGTH only: a cache of other code of the
// same length is taken, and that code runs. So a cache is named by a hash of the file's content
// (cacheFileFor), and the loader is given the name the build computed: a cache of any other
// content is never read.
import {createHash} from 'node:crypto'
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'
import vm from 'node:vm'

/** The name the bundle calls instead of import() (scripts/bundle.mjs rewrites it). */
export const IMPORT_NAME = '__ctoImport'

/** The code cache's file for the CommonJS file `file` as it is now: `<name>.<content hash>.cache` beside it. */
export function cacheFileFor(file) {
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16)
  return `${file.replace(/\.cjs$/, '')}.${hash}.cache`
}

/** The file as a vm.Script; `cachedDataRejected` says whether V8 took the cache. */
export function compile(file, cachedData) {
  // The CommonJS wrapper, and the import function; on the file's first line, so its line numbers stay.
  const source = `(function (exports, require, module, __filename, __dirname, ${IMPORT_NAME}) {${readFileSync(file, 'utf8')}\n})`
  return new vm.Script(source, {filename: file, cachedData})
}

function run(script, file, importModule) {
  const module = {exports: {}, filename: file, id: file, loaded: false, children: [], paths: []}
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file), importModule)
  module.loaded = true
  return module.exports
}

/** The exports of the CommonJS file `file`, compiled with the code cache `cacheFile` when there is one V8 takes. */
export function loadCommonJS(file, cacheFile, importModule) {
  let cachedData
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    // No cache (a build that skipped it): compiled as Node would.
  }
  return run(compile(file, cachedData), file, importModule)
}

/**
 * Loads `file`, lets `warm` use it (so the functions a start runs get compiled), and writes the
 * code cache to `cacheFile` (atomically: a half-written cache never replaces a good one).
 */
export async function writeCodeCache(file, cacheFile, importModule, warm) {
  const script = compile(file, undefined)
  await warm(run(script, file, importModule))
  const tmp = `${cacheFile}.${process.pid}.tmp`
  writeFileSync(tmp, script.createCachedData())
  renameSync(tmp, cacheFile)
}
