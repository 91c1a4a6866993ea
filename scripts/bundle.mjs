// Bundles each oclif command (from src/commands; tsc has type-checked it) with cto's own modules and its
// ESM-heavy dependencies (openai: ~150 files, zod: ~95, listr2, ...) into a few files, and
// puts the result in place of dist/commands. Start-up is a feature: loading hundreds of small
// modules cost more than compiling the same code from a few files (bench/task-bench.ts).
// Dynamic imports become chunks, so a command still loads only what it uses.
// @oclif/core is bundled once, apart: dist/vendor/oclif-core.cjs, loaded with V8's code cache by the
// ES module dist/vendor/oclif-core.js, which bin/run.js and every command import (package.json
// "imports": #oclif-core), so they share one copy. Loading the package's ~110 CommonJS files one
// by one took about as long as `node -e 0` itself (bench/startup.ts). oclif's own plugins (help, plugins, autocomplete) and a
// user's plugins keep importing the package: a command of theirs loads that second copy, as
// oclif CLIs always do when a plugin brings its own @oclif/core.
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {createRequire} from 'node:module'
import {readdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {cacheFileFor, IMPORT_NAME} from './vendor/code-cached-commonjs.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

async function entries(dir) {
  const out = []
  for (const e of await readdir(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await entries(p)))
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

// The build id keys the config validation cache (src/core/config/validation-cache.ts): any change
// to the sources, the schemas among them, makes a new one.
async function sourceHash(dir, hash = createHash('sha256')) {
  for (const e of (await readdir(dir, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name)
    if (e.isDirectory()) await sourceHash(p, hash)
    else hash.update(`${p}\n`).update(await readFile(p))
  }
  return hash
}
const buildId = (await sourceHash(join(root, 'src'))).digest('hex').slice(0, 16)

// CommonJS dependencies bundled into ESM still call require() and read __filename.
const cjsShims =
  "import {createRequire as __ctoCreateRequire} from 'node:module'; import {fileURLToPath as __ctoFileURLToPath} from 'node:url'; import {dirname as __ctoDirname} from 'node:path'; const require = __ctoCreateRequire(import.meta.url); const __filename = __ctoFileURLToPath(import.meta.url); const __dirname = __ctoDirname(__filename);"

// The entry names each export of @oclif/core: an ES module's exports must be known when it is built.
const oclifExports = Object.keys(createRequire(import.meta.url)('@oclif/core')).filter((k) => k !== 'default' && k !== '__esModule')
// @oclif/core as one CommonJS file, loaded with V8's code cache (scripts/vendor/code-cached-commonjs.mjs;
// the cache is written by scripts/code-cache.mjs once the manifest exists), behind an ES module that names its exports.
await build({
  stdin: {
    contents: `import * as core from '@oclif/core'\n${oclifExports.map((k) => `export const ${k} = core.${k}`).join('\n')}\n`,
    resolveDir: root,
    sourcefile: 'oclif-core-entry.js',
  },
  outfile: join(dist, 'vendor', 'oclif-core.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Loaded by oclif only to transpile TypeScript plugins, which bin/run.js turns off.
  external: ['typescript', 'ts-node'],
  plugins: [
    {
      // oclif's `require('minimatch')` gets the same minimatch with each pattern compiled once (the file says why).
      name: 'minimatch-compiled-once',
      setup(b) {
        const shim = join(root, 'scripts', 'vendor', 'minimatch-compiled-once.mjs')
        b.onResolve({filter: /^minimatch$/}, (args) => (args.importer === shim ? undefined : {path: shim}))
      },
    },
  ],
  logLevel: 'warning',
})
// A script V8 takes from a code cache can't import() on Node 20: the bundle's import() calls go to
// the function its loader passes (scripts/vendor/code-cached-commonjs.mjs). Any import() left
// would fail only when a cache is used, so the build stops instead.
{
  const file = join(dist, 'vendor', 'oclif-core.cjs')
  const text = (await readFile(file, 'utf8')).replaceAll('await import(', `await ${IMPORT_NAME}(`)
  const left = text.split('\n').filter((line) => /(?<![\w"'`.$])import\s*\(/.test(line))
  if (left.length > 0) throw new Error(`@oclif/core calls import() where the build can't route it (scripts/bundle.mjs):\n${left.join('\n')}`)
  await writeFile(file, text)
}
await build({
  stdin: {
    contents: [
      `import {fileURLToPath} from 'node:url'`,
      `import {loadCommonJS} from './scripts/vendor/code-cached-commonjs.mjs'`,
      // The cache of exactly this oclif-core.cjs (V8 would take one of other code of the same length).
      `const core = loadCommonJS(fileURLToPath(new URL('./oclif-core.cjs', import.meta.url)), fileURLToPath(new URL(${JSON.stringify(`./${basename(cacheFileFor(join(dist, 'vendor', 'oclif-core.cjs')))}`)}, import.meta.url)), (url) => import(url))`,
      ...oclifExports.map((k) => `export const ${k} = core.${k}`),
      '',
    ].join('\n'),
    resolveDir: root,
    sourcefile: 'oclif-core-facade.js',
  },
  outfile: join(dist, 'vendor', 'oclif-core.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
})
console.log('dist/vendor/oclif-core.js bundled')

/** Every import of @oclif/core in a command becomes an import of the bundled copy. */
const sharedOclifCore = {
  name: 'shared-oclif-core',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core$/}, () => ({path: '#oclif-core', external: true}))
  },
}

const tmp = join(dist, 'commands.bundled')
await rm(tmp, {recursive: true, force: true})
const commandOptions = {
  outbase: join(root, 'src', 'commands'),
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Prefer a package's ESM build (jsonc-parser, js-yaml), as Node's own resolution would.
  mainFields: ['module', 'main'],
  // sandbox-runtime finds its vendored binaries (the seccomp filter, the Java proxy agent) next to
  // its own files: bundled, it would look for them under dist/ and fall back to `npm root -g`.
  external: ['@oclif/plugin-plugins', 'mvdan-sh', '@anthropic-ai/sandbox-runtime'],
  plugins: [sharedOclifCore],
  define: {'process.env.CTO_BUILD_ID': JSON.stringify(buildId)},
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  banner: {js: cjsShims},
}
// One build per command: its chunks are split only where it imports lazily, not by which of ~35
// commands share a module (one build for all gave `cto task` 55 chunks).
await Promise.all((await entries(join(root, 'src', 'commands'))).map((entry) => build({...commandOptions, entryPoints: [entry]})))
await rm(join(dist, 'commands'), {recursive: true, force: true})
await rename(tmp, join(dist, 'commands'))
console.log('dist/commands bundled')

// cto's oclif hooks (prerun runs before every command): each one self-contained file, in place of
// tsc's, so oclif loads one module for a hook instead of its chain of small ones.
await build({
  entryPoints: (await readdir(join(root, 'src', 'hooks'))).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src', 'hooks', f)),
  outdir: join(dist, 'hooks'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [sharedOclifCore],
  logLevel: 'warning',
  banner: {js: cjsShims},
})
console.log('dist/hooks bundled')

// Claude Code's PreToolUse hook runs before every tool call of a Claude session: one file, no oclif,
// no zod; the shell parser (mvdan-sh) stays external and loads only for a Bash call it must check.
await build({
  entryPoints: [join(root, 'src', 'core', 'tools', 'policy', 'hook-main.ts')],
  outfile: join(dist, 'tools-hook.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['mvdan-sh'],
  logLevel: 'warning',
  banner: {js: "import {createRequire as __ctoCreateRequire} from 'node:module'; const require = __ctoCreateRequire(import.meta.url);"},
})
console.log('dist/tools-hook.js bundled')
