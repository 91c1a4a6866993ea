/**
 * Values for `cto config set KEY VALUE` and `cto config get KEY`. A VALUE is read as JSON when it
 * is JSON (`50000`, `true`, `null`, `["a","b"]`, `"quoted"`), else as the string typed
 * (`cto config set cto_model sonnet`); when the JSON reading doesn't fit the key and the string
 * does (`cto config set tools.workspace 2024`), the string is kept. `get` reads the effective value
 * from the merged config, with where it came from.
 */
import type {CtoContext} from '../context.js'
import {formatKey, parseKey, type KeyPath} from './config-keys.js'
import {keyWithin} from '../cli/config-key-arg.js'

/** The readings of a typed value, most specific first. */
export function valueCandidates(raw: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(raw)
    return typeof parsed === 'string' ? [parsed] : [parsed, raw]
  } catch {
    return [raw]
  }
}

export interface EffectiveValue {
  key: string
  /** undefined when nothing sets it. */
  value: unknown
  /** Where it came from (a file, `default`, `CTO_MODEL`); for a section, per key inside it. */
  source: string | Record<string, string> | null
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * The value at a file-shaped path (a key as the files write it) in the merged config: the shapes
 * differ only in that `worker_models.<group>.<name>.<field>` lives at `models.<name>.<field>`.
 */
export function valueAtPath(config: object, path: KeyPath): unknown {
  const effective = path[0] === 'worker_models' ? ['models', path[2], ...path.slice(3)] : path
  let node: unknown = config
  for (const p of effective) node = isObject(node) ? node[String(p)] : Array.isArray(node) ? node[Number(p)] : undefined
  return node
}

/**
 * The value at a file-shaped path in the merged config (`worker_models.<group>.<name>` lives at
 * `models.<name>`). Sources are keyed as formatKey writes keys, so a name with a dot in it
 * (`provider_endpoints["qwen2.5-coder:7b"].api_url`) is found, and is read back with parseKey, never
 * split at its dots.
 */
export function effectiveValue(ctx: CtoContext, path: KeyPath, extra: Record<string, unknown> = {}): EffectiveValue {
  const key = formatKey(path)
  const leaves = Object.keys(ctx.sources).filter((k) => keyWithin(k, key))
  const read = (at: KeyPath): unknown => valueAtPath({...ctx.config, ...extra}, at)
  if (leaves.length === 0) {
    // No source recorded for it: inside a list, or a section filled by defaults (tools) .
    const value = read(path)
    return {key, value, source: value === undefined ? null : 'default'}
  }
  if (leaves.length === 1 && leaves[0] === key) return {key, value: read(path), source: ctx.sources[key]}
  const value: Record<string, unknown> = {}
  const source: Record<string, string> = {}
  for (const leaf of leaves) {
    const full = parseKey(leaf)
    const rest = full.slice(path.length).map(String)
    let node = value
    for (const p of rest.slice(0, -1)) node = (isObject(node[p]) ? node[p] : (node[p] = {})) as Record<string, unknown>
    node[rest.at(-1) as string] = read(full)
    source[formatKey(rest)] = ctx.sources[leaf]
  }
  return {key, value, source}
}
