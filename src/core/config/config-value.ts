/**
 * Values for `cto config set KEY VALUE` and `cto config get KEY`. A VALUE is read as JSON when it
 * is JSON (`50000`, `true`, `null`, `["a","b"]`, `"quoted"`), else as the string typed
 * (`cto config set cto_model sonnet`); when the JSON reading doesn't fit the key and the string
 * does (`cto config set tools.workspace 2024`), the string is kept. `get` reads the effective value
 * from the merged config, with where it came from.
 */
import type {CtoContext} from '../context.js'
import {formatKey, type KeyPath} from './config-keys.js'

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

/** The value at a file-shaped path in the merged config (`worker_models.<group>.<name>` lives at `models.<name>`). */
export function effectiveValue(ctx: CtoContext, path: KeyPath, extra: Record<string, unknown> = {}): EffectiveValue {
  const key = formatKey(path)
  const dotted = path.map(String).join('.')
  const leaves = Object.keys(ctx.sources).filter((k) => k === dotted || k.startsWith(`${dotted}.`))
  const read = (leaf: string): unknown => {
    const parts = leaf.split('.')
    const effective = parts[0] === 'worker_models' ? ['models', parts[2], ...parts.slice(3)] : parts
    let node: unknown = {...ctx.config, ...extra}
    for (const p of effective) node = isObject(node) ? node[p] : Array.isArray(node) ? node[Number(p)] : undefined
    return node
  }
  if (leaves.length === 0) {
    // No source recorded for it: inside a list, or a section filled by defaults (tools) .
    const value = read(dotted)
    return {key, value, source: value === undefined ? null : 'default'}
  }
  if (leaves.length === 1 && leaves[0] === dotted) return {key, value: read(dotted), source: ctx.sources[dotted]}
  const value: Record<string, unknown> = {}
  const source: Record<string, string> = {}
  for (const leaf of leaves) {
    const rest = leaf.slice(dotted.length + 1).split('.')
    let node = value
    for (const p of rest.slice(0, -1)) node = (isObject(node[p]) ? node[p] : (node[p] = {})) as Record<string, unknown>
    node[rest.at(-1) as string] = read(leaf)
    source[rest.join('.')] = ctx.sources[leaf]
  }
  return {key, value, source}
}
