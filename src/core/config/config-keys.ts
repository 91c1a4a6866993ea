/**
 * Config keys as `cto config get/set/unset` take them: a dotted path into the config file,
 * `cost_optimization.token_budget_per_day.claude`, with brackets for a name that has dots in it,
 * `worker_models.external["qwen2.5-coder:7b"].enabled`. A key is checked against the config schema
 * before anything is read or written: zod drops unknown keys inside a section silently, so
 * `cost_optimisation.enabled` would otherwise be "set" and do nothing. Names under a record
 * (model names, plugin names) are free.
 */
import type {ZodType} from 'zod'
import {UsageError} from '../errors.js'
import {suggest} from '../cli/did-you-mean.js'
import {formatKey, shellKey} from '../cli/config-key-arg.js'

export type KeyPath = Array<string | number>

export interface KeyInfo {
  path: KeyPath
  /** The schema node at the key (optional/default/nullable unwrapped). */
  kind: 'section' | 'record' | 'list' | 'value'
  /** What the value may be, for messages: `boolean`, `one of cost_aware, cto_choice`, `a number`. */
  expects: string
}

/** `a.b["c.d"][0]` → ['a', 'b', 'c.d', 0]. */
export function parseKey(key: string): KeyPath {
  const path: KeyPath = []
  const re = /([^.[\]]+)|\[(?:"([^"]*)"|'([^']*)'|([^\]]*))\]/g
  let last = 0
  for (let m = re.exec(key); m !== null; m = re.exec(key)) {
    const between = key.slice(last, m.index)
    if (between !== '' && between !== '.') throw badKey(key)
    if (m[1] !== undefined) path.push(m[1])
    else {
      const inside = m[2] ?? m[3] ?? m[4] ?? ''
      path.push(m[4] !== undefined && /^\d+$/.test(inside) ? Number(inside) : inside)
    }
    last = re.lastIndex
  }
  if (path.length === 0 || last !== key.length) throw badKey(key)
  return path
}

export {formatKey} from '../cli/config-key-arg.js'

function badKey(key: string): UsageError {
  return new UsageError({
    code: 'CONFIG_BAD_KEY',
    message: `"${key}" is not a config key: use dots between names, e.g. cost_optimization.token_budget_per_day.claude, and brackets for a name with dots, e.g. worker_models.external["qwen2.5-coder:7b"].enabled.`,
    actions: ['See the keys and their values with "cto config show".'],
  })
}

interface Def {
  type: string
  shape?: Record<string, ZodType>
  innerType?: ZodType
  valueType?: ZodType
  element?: ZodType
  in?: ZodType
  entries?: Record<string, string>
}

const defOf = (schema: ZodType): Def => (schema as unknown as {_zod: {def: Def}})._zod.def

function unwrap(schema: ZodType): ZodType {
  let s = schema
  for (let d = defOf(s); ['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch'].includes(d.type) || d.type === 'pipe'; d = defOf(s)) {
    s = (d.type === 'pipe' ? d.in : d.innerType) as ZodType
  }
  return s
}

function expects(schema: ZodType): string {
  const d = defOf(schema)
  const nullable = d.type === 'nullable' || (d.innerType && defOf(d.innerType).type === 'nullable')
  const inner = defOf(unwrap(schema))
  const base =
    inner.type === 'enum'
      ? `one of ${Object.values(inner.entries ?? {}).join(', ')}`
      : inner.type === 'object' || inner.type === 'record'
        ? 'an object'
        : inner.type === 'array'
          ? 'a list (JSON array)'
          : inner.type === 'number' || inner.type === 'int'
            ? 'a number'
            : inner.type === 'boolean'
              ? 'true or false'
              : inner.type === 'string'
                ? 'a string'
                : 'any JSON value'
  return nullable ? `${base} or null` : base
}

/** Checks a key against the config schema; unknown names are a usage error with the closest one. */
export async function checkConfigKey(key: string): Promise<KeyInfo> {
  const path = parseKey(key)
  const {configSchema} = await import('./schema.js')
  let node: ZodType = configSchema as unknown as ZodType
  for (const [i, part] of path.entries()) {
    const d = defOf(unwrap(node))
    const here = formatKey(path.slice(0, i))
    if (d.type === 'object' && d.shape) {
      const child = typeof part === 'string' ? d.shape[part] : undefined
      if (!child) {
        const names = Object.keys(d.shape)
        const hint = typeof part === 'string' ? suggest(part, names) : undefined
        throw new UsageError({
          code: 'CONFIG_UNKNOWN_KEY',
          message: `Unknown config key "${formatKey(path.slice(0, i + 1))}".${hint ? ` Did you mean "${formatKey([...path.slice(0, i), hint])}"?` : ''} ${here ? `Keys under ${here}` : 'Top-level keys'}: ${names.join(', ')}.`,
          actions: ['See the keys and their values with "cto config show".'],
        })
      }
      node = child
    } else if (d.type === 'record' && d.valueType) {
      node = d.valueType
    } else if (d.type === 'array' && d.element && typeof part === 'number') {
      node = d.element
    } else {
      throw new UsageError({
        code: 'CONFIG_UNKNOWN_KEY',
        message: `Unknown config key "${formatKey(path)}": ${here} is ${expects(node)}, with no keys inside.`,
        actions: [`Set ${here} itself: cto config set ${shellKey(here)} VALUE`],
      })
    }
  }
  const t = defOf(unwrap(node)).type
  return {path, kind: t === 'object' ? 'section' : t === 'record' ? 'record' : t === 'array' ? 'list' : 'value', expects: expects(node)}
}

/** A key in a config file that cto does not know (zod drops it without a word), with the closest known name. */
export interface UnknownKey {
  /** As `cto config unset` takes it: `cto_modle`, `engines.max_turn`. */
  key: string
  /** The closest known key at the same place, if one is close enough. */
  suggestion?: string
}

/**
 * Every key in `data` the schema does not know, at any depth: sections (`engines.max_turn`) as
 * well as the top level. Names under a record (models, plugins) are free; a strict section
 * (`tools`, `review`) reports its own unknown keys as problems, so it is not walked here.
 */
export function unknownConfigKeys(data: unknown, schema: ZodType): UnknownKey[] {
  const found: UnknownKey[] = []
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  const walk = (value: unknown, node: ZodType, path: KeyPath) => {
    if (!isObject(value)) return
    const d = defOf(unwrap(node)) as Def & {catchall?: ZodType}
    if (d.type === 'object' && d.shape && !d.catchall) {
      const names = Object.keys(d.shape)
      for (const [k, v] of Object.entries(value)) {
        const child = d.shape[k]
        if (child) {
          walk(v, child, [...path, k])
          continue
        }
        const hint = suggest(k, names)
        found.push({key: formatKey([...path, k]), ...(hint ? {suggestion: formatKey([...path, hint])} : {})})
      }
    } else if (d.type === 'record' && d.valueType) {
      for (const [k, v] of Object.entries(value)) walk(v, d.valueType, [...path, k])
    }
  }
  walk(data, schema, [])
  return found
}
