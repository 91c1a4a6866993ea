// Bundles each oclif command (from src/commands; tsc has type-checked it) with cto's own modules and its
// ESM-heavy dependencies (openai: ~150 files, zod: ~95, listr2, ...) into a few files, and
// puts the result in place of dist/commands. Start-up is a feature: loading hundreds of small
// modules cost more than compiling the same code from a few files (bench/task-bench.ts).
// @oclif/core stays external (commands must share the CLI's copy); dynamic imports become chunks,
// so a command still loads only what it uses.
import {build} from 'esbuild'
import {createHash} from 'node:crypto'
import {readdir, readFile, rename, rm} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

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

const tmp = join(dist, 'commands.bundled')
await rm(tmp, {recursive: true, force: true})
await build({
  entryPoints: await entries(join(root, 'src', 'commands')),
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
  external: ['@oclif/core', '@oclif/plugin-plugins', 'mvdan-sh', '@anthropic-ai/sandbox-runtime'],
  define: {'process.env.CTO_BUILD_ID': JSON.stringify(buildId)},
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // CommonJS dependencies bundled into ESM still call require() and read __filename.
  banner: {
    js: "import {createRequire as __ctoCreateRequire} from 'node:module'; import {fileURLToPath as __ctoFileURLToPath} from 'node:url'; import {dirname as __ctoDirname} from 'node:path'; const require = __ctoCreateRequire(import.meta.url); const __filename = __ctoFileURLToPath(import.meta.url); const __dirname = __ctoDirname(__filename);",
  },
})
await rm(join(dist, 'commands'), {recursive: true, force: true})
await rename(tmp, join(dist, 'commands'))
console.log('dist/commands bundled')

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
