/**
 * Config keys as text. A key is a dotted path into the config file, with brackets for a name that
 * has a dot in it: every Ollama model (`qwen2.5-coder:7b`, `llama3.1:8b`) needs the bracket form,
 * `provider_endpoints["qwen2.5-coder:7b"].api_url` (a dotted path would read `qwen2` and
 * `5-coder:7b`). `formatKey` writes the form `cto config get/set/unset` take (parseKey in
 * src/core/config/config-keys.ts reads it back), and the form `cto config show` lists its sources
 * under; `configKeyArg` adds the single quotes brackets and quotes need in a shell, for fix messages
 * (`cto config set KEY`). This file imports nothing, as errors.ts, which every command loads, uses it.
 */

/** `['provider_endpoints', 'qwen2.5-coder:7b', 'api_url']` → `provider_endpoints["qwen2.5-coder:7b"].api_url`. */
export function formatKey(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[\w-]+$/.test(p) ? `${i === 0 ? '' : '.'}${p}` : `["${p}"]`)).join('')
}

/** A key as typed into a shell: single-quoted when it has brackets or quotes in it. */
export function shellKey(key: string): string {
  return /^[\w.-]+$/.test(key) ? key : `'${key}'`
}

/** Whether `key` is `prefix` or a key inside it (`a.b`, `a["b.c"]`, `a[0]` are inside `a`; `ab` is not). Both as formatKey writes them. */
export function keyWithin(key: string, prefix: string): boolean {
  return key === prefix || (key.startsWith(prefix) && (key[prefix.length] === '.' || key[prefix.length] === '['))
}

/** A config key for a fix message, ready to paste into a shell: `cto config set ${configKeyArg('provider_endpoints', name, 'api_url')} <url>`. */
export function configKeyArg(...path: string[]): string {
  return shellKey(formatKey(path))
}
