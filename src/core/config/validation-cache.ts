/**
 * Start-up: checking a config file with zod means loading zod (~0.75 MB of bundle), which cost a
 * fifth of `cto models list` for the most common user, one with a config file. A file's check
 * depends only on its content and on the schema, so the result is kept in
 * `$XDG_CACHE_HOME/cto/validated.json`, keyed by a hash of the content and of the build: an
 * unchanged file is not checked again, a changed one (or a new cto) is, at once. Only content that
 * passed goes in; for an agent config (which holds a key) only its hash and "valid", never the key.
 *
 * The build id is put in by the bundler (scripts/bundle.mjs, a hash of src/); running from the
 * TypeScript sources there is none, and nothing is cached. A missing or damaged cache file is just
 * a cache miss; it is written atomically, at most once per process, only after a miss.
 */
import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {cacheDir} from '../paths.js'

const BUILD_ID: string | undefined = process.env.CTO_BUILD_ID
const MAX_ENTRIES = 64

interface CacheFile {
  build: string
  entries: Record<string, {data?: unknown; used: number}>
}

let loaded: Promise<CacheFile | undefined> | undefined
let pending: Promise<void> | undefined

function file(env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), 'validated.json')
}

function keyOf(kind: string, content: string): string {
  return createHash('sha256').update(`${BUILD_ID}\u0000${kind}\u0000${content}`).digest('hex').slice(0, 40)
}

async function load(env: NodeJS.ProcessEnv): Promise<CacheFile | undefined> {
  if (!BUILD_ID) return undefined
  loaded ??= readFile(file(env), 'utf8')
    .then((text) => {
      const c = JSON.parse(text) as CacheFile
      return c.build === BUILD_ID && c.entries && typeof c.entries === 'object' ? c : {build: BUILD_ID, entries: {}}
    })
    .catch(() => ({build: BUILD_ID as string, entries: {}}))
  return loaded
}

/** A check's result kept for this content: `{data}` (what the check returned), or undefined on a miss. */
export async function cachedCheck(kind: string, content: string, env: NodeJS.ProcessEnv = process.env): Promise<{data: unknown} | undefined> {
  const cache = await load(env)
  const hit = cache?.entries[keyOf(kind, content)]
  return hit ? {data: hit.data} : undefined
}

/** Keeps a passed check. `data` undefined: only "it passed" is kept (content that holds a secret). */
export async function rememberCheck(kind: string, content: string, data: unknown, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cache = await load(env)
  if (!cache) return
  cache.entries[keyOf(kind, content)] = data === undefined ? {used: Date.now()} : {data, used: Date.now()}
  const keys = Object.keys(cache.entries)
  if (keys.length > MAX_ENTRIES) {
    for (const k of keys.sort((a, b) => cache.entries[a].used - cache.entries[b].used).slice(0, keys.length - MAX_ENTRIES)) delete cache.entries[k]
  }
  pending = (pending ?? Promise.resolve()).then(async () => {
    try {
      const {mkdir} = await import('node:fs/promises')
      const writeFileAtomic = (await import('write-file-atomic')).default
      await mkdir(cacheDir(env), {recursive: true})
      // Only the user's eyes, like the config files it mirrors.
      await writeFileAtomic(file(env), JSON.stringify(cache), {mode: 0o600})
    } catch {
      // A cache that can't be written costs the next start-up a check, nothing more.
    }
  })
  await pending
}
