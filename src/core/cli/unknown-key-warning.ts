/**
 * A key cto does not know in a config file (`"cto_modle": "kimi"`) is dropped by the schema, so the
 * setting silently does nothing. Every command that reads the config says so, one line per key on
 * stderr, naming the file, the key, the closest known key and the fix; `cto config unset` can
 * remove it from the user config (a project config is the user's own file to edit). The finding
 * is kept in the validation cache with the checked data, so it costs no start-up time.
 */
import type {ConfigLayer} from '../config/layers.js'
import {shellKey} from './config-key-arg.js'

export function unknownKeyWarnings(layers: readonly ConfigLayer[]): string[] {
  const lines: string[] = []
  for (const layer of layers) {
    for (const {key, suggestion} of layer.unknownKeys ?? []) {
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : ''
      const fix =
        layer.kind === 'user'
          ? `remove it with "cto config unset ${shellKey(key)}", or check the file with "cto config validate"`
          : `remove or rename it in that file, then check it with "cto config validate"`
      lines.push(`Warning: unknown key "${key}" in ${layer.source} is ignored${hint}: ${fix}.`)
    }
  }
  return lines
}
