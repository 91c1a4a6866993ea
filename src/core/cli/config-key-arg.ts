/**
 * A config key as a fix message writes it for the user to paste into a shell: `cto config set KEY`.
 * A model name with a dot in it (every Ollama model: `qwen2.5-coder:7b`, `llama3.1:8b`) needs the
 * bracket form, `provider_endpoints["qwen2.5-coder:7b"].api_url` (a dotted path would read `qwen2`
 * and `5-coder:7b`), and brackets and quotes need single quotes around them in a shell. The form is
 * the one `cto config set` prints (formatKey in src/core/config/config-keys.ts); this file imports
 * nothing, as errors.ts, which every command loads, uses it.
 */
export function configKeyArg(...path: string[]): string {
  const key = path.map((p, i) => (/^[\w-]+$/.test(p) ? `${i === 0 ? '' : '.'}${p}` : `["${p}"]`)).join('')
  return /^[\w.-]+$/.test(key) ? key : `'${key}'`
}
