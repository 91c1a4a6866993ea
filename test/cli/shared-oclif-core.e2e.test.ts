/**
 * The built CLI loads @oclif/core once, as the one file scripts/bundle.mjs writes
 * (dist/vendor/oclif-core.js): the package's ~110 CommonJS files took as long to load as
 * `node -e 0` itself. A preload records every CommonJS file the process loaded (ES modules
 * importing a CommonJS package load it through the same cache). The commands oclif's plugins
 * bring keep their package's copy; the prerun hook still gives them cto's `--json` errors.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {makeSandbox, REPO, type Sandbox} from '../support/run-cli.js'

let sandbox: Sandbox
let dir: string

beforeAll(async () => {
  sandbox = await makeSandbox()
  dir = await mkdtemp(join(tmpdir(), 'cto-oclif-copies-'))
  await writeFile(
    join(dir, 'record.cjs'),
    `process.on('exit', () => require('node:fs').writeFileSync(process.env.CTO_TEST_LOADED, Object.keys(require.cache).join('\\n')))\n`,
  )
})
afterAll(async () => {
  await sandbox.cleanup()
  await rm(dir, {recursive: true, force: true})
})

async function loaded(args: string[]): Promise<{code: number; stdout: string; files: string[]}> {
  const out = join(dir, `${args.join('-').replaceAll('/', '_')}.txt`)
  const r = await sandbox.run(args, {env: {NODE_OPTIONS: `--require ${join(dir, 'record.cjs')}`, CTO_TEST_LOADED: out}})
  return {code: r.code, stdout: r.stdout, files: (await readFile(out, 'utf8')).split('\n').filter(Boolean)}
}

const oclifPackage = join(REPO, 'node_modules', '@oclif', 'core')

describe('one bundled @oclif/core', () => {
  it.each([['models', 'list'], ['config', 'show'], ['task', '--dry-run', 'fix the failing test in src/parser.ts'], ['--version']].map((a) => [a.join(' '), a] as const))(
    'cto %s loads none of the package’s files',
    async (_name, args) => {
      const r = await loaded(args)
      expect(r.code).toBe(0)
      // The preload did record: its own file is in the cache.
      expect(r.files).toContain(join(dir, 'record.cjs'))
      expect(r.files.filter((f) => f.startsWith(oclifPackage))).toEqual([])
    },
  )

  it('a command of oclif’s plugins loads the package, and answers --json errors as cto’s own do', async () => {
    const r = await loaded(['autocomplete', '--no-such-flag', '--json'])
    expect(r.files.some((f) => f.startsWith(oclifPackage))).toBe(true)
    expect(r.code).toBe(64)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {code: 'UNKNOWN_FLAG', message: 'Nonexistent flag: --no-such-flag', actions: ['See "cto autocomplete --help" for its arguments, flags and examples.']},
    })
  })
})

describe('the code cache of the bundled @oclif/core', () => {
  const vendor = join(REPO, 'dist', 'vendor')
  const loaderFile = join(REPO, 'scripts', 'vendor', 'code-cached-commonjs.mjs')
  type Loader = {
    cacheFileFor(file: string): string
    compile(file: string, cachedData?: Buffer): {cachedDataRejected?: boolean}
    loadCommonJS(file: string, cacheFile: string, importModule: (url: string) => Promise<unknown>): Record<string, unknown>
  }

  it('is taken by this Node (the build wrote it for the Node that runs it)', async () => {
    const loader = (await import(loaderFile)) as Loader
    const script = loader.compile(join(vendor, 'oclif-core.cjs'), await readFile(loader.cacheFileFor(join(vendor, 'oclif-core.cjs'))))
    expect(script.cachedDataRejected).toBe(false)
  })

  it('is named by the content it was made from, and the CLI reads the one of its own oclif-core.cjs', async () => {
    // V8 checks a cache only against its source's length: one of other code of the same length would be taken and run.
    const loader = (await import(loaderFile)) as Loader
    const a = join(dir, 'a.cjs')
    const b = join(dir, 'b.cjs')
    await writeFile(a, 'module.exports = "AAAA"\n')
    await writeFile(b, 'module.exports = "BBBB"\n')
    expect(loader.cacheFileFor(a).replace('a.', '')).not.toBe(loader.cacheFileFor(b).replace('b.', ''))
    const own = loader.cacheFileFor(join(vendor, 'oclif-core.cjs'))
    expect(await readFile(join(vendor, 'oclif-core.js'), 'utf8')).toContain(JSON.stringify(`./${own.split('/').at(-1)}`))
    expect((await readFile(own)).length).toBeGreaterThan(0)
  })

  it('with the cache, a rejected one or none, oclif loads and imports commands (import() from a cached script fails on Node 20)', async () => {
    const loader = (await import(loaderFile)) as Loader
    const copy = join(dir, 'vendor-copy')
    const {cp} = await import('node:fs/promises')
    await cp(vendor, copy, {recursive: true})
    await writeFile(join(copy, 'rejected.cache'), 'not a code cache')
    const built = loader.cacheFileFor(join(copy, 'oclif-core.cjs')).split('/').at(-1) as string
    expect(loader.compile(join(copy, 'oclif-core.cjs'), await readFile(join(copy, built))).cachedDataRejected).toBe(false)
    expect(loader.compile(join(copy, 'oclif-core.cjs'), await readFile(join(copy, 'rejected.cache'))).cachedDataRejected).toBe(true)
    for (const cache of [built, 'rejected.cache', 'no-such.cache']) {
      const core = loader.loadCommonJS(join(copy, 'oclif-core.cjs'), join(copy, cache), (url) => import(url)) as {
        ModuleLoader: {loadWithData(config: unknown, path: string): Promise<{module: unknown}>}
      }
      const {module} = await core.ModuleLoader.loadWithData({root: REPO}, join(REPO, 'dist', 'core', 'exit-codes.js'))
      expect(Object.keys(module as object)).toContain('EXIT')
    }
  })
})
