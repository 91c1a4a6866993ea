import {CtoCommand} from '../../core/cli/base-command.js'
import type {EffectiveConfig} from '../../core/config/effective.js'

export interface ConfigShowResult {
  config: EffectiveConfig
  /** Config key (as `cto config get` takes it: `provider_endpoints["qwen2.5-coder:7b"].api_url`) → where its value came from: `default`, a file, `CTO_MODEL`, `MODEL_PROVIDER`. */
  sources: Record<string, string>
  files: string[]
  notices: string[]
  warnings: string[]
}

export default class ConfigShow extends CtoCommand {
  static override summary = 'Show the effective config and where each value came from.'
  static override description =
    'Precedence, lowest first: defaults → user config → project config → ORCHESTRATOR_CONFIG / CTO_CONFIG → environment (CTO_MODEL, MODEL_PROVIDER) → flags.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq .config.cost_optimization']

  async run(): Promise<ConfigShowResult> {
    const ctx = await this.loadCtx()
    // The tool worker's policy with its secure defaults filled in, so users see what applies
    // (kept in the validation cache: zod is a fifth of this command's start-up).
    const {cachedCheck, rememberCheck} = await import('../../core/config/validation-cache.js')
    const content = JSON.stringify(ctx.config.tools)
    const hit = await cachedCheck('tools-policy', content, ctx.env)
    let tools = hit?.data as Record<string, unknown> | undefined
    if (!tools) {
      const {resolveToolPolicy} = await import('../../core/tools/policy/policy-schema.js')
      tools = resolveToolPolicy(ctx.config.tools) as unknown as Record<string, unknown>
      await rememberCheck('tools-policy', content, tools, ctx.env)
    }
    for (const [key, value] of Object.entries(tools)) {
      if (key === 'sandbox') for (const sub of Object.keys(value as object)) ctx.sources[`tools.sandbox.${sub}`] ??= 'default'
      else ctx.sources[`tools.${key}`] ??= 'default'
    }
    // The store URL's password is never shown.
    const {redactStoreUrl} = await import('../../core/store/store-settings.js')
    const store = ctx.config.store.url ? {...ctx.config.store, url: redactStoreUrl(ctx.config.store.url)} : ctx.config.store
    const result: ConfigShowResult = {
      config: {...ctx.config, tools: {...tools}, store},
      sources: ctx.sources,
      files: ctx.layers.filter((l) => l.file).map((l) => l.file as string),
      notices: ctx.notices,
      warnings: ctx.warnings,
    }
    if (!this.jsonEnabled()) {
      const {parseKey} = await import('../../core/config/config-keys.js')
      const {valueAtPath} = await import('../../core/config/config-value.js')
      const valueAt = (key: string) => JSON.stringify(valueAtPath(result.config, parseKey(key)))
      const rows = Object.entries(ctx.sources).sort(([a], [b]) => a.localeCompare(b))
      const width = Math.min(60, Math.max(...rows.map(([k]) => `${k} = ${valueAt(k)}`.length)))
      for (const [key, source] of rows) {
        const line = `${key} = ${valueAt(key)}`
        this.log(`${line.padEnd(width)}  # ${source}`)
      }
      this.log(`\nFiles read: ${result.files.length > 0 ? result.files.join(', ') : 'none (defaults only)'}`)
      for (const n of ctx.notices) this.log(`note: ${n}`)
      for (const w of ctx.warnings) this.log(`warning: ${w}`)
    }
    return result
  }
}
