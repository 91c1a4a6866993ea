import {CtoCommand} from '../core/cli/base-command.js'
import {hasUsableKey} from '../core/models/resolve-models.js'
import {dataDir, strayUserConfigs, userConfigPath} from '../core/paths.js'
import {taskLogPath} from '../core/task/task-log.js'
import {formatInt} from '../core/cli/format.js'
import {join} from 'node:path'
import type {BoundaryReport} from '../core/tools/sandbox/describe-boundary.js'

const storeDirOf = (env: NodeJS.ProcessEnv) => join(dataDir(env), 'perf')

export interface StatusResult {
  /** `alternative`: when the CTO can't be used, a model usable now that could be (`cto config set cto_model <it>`). */
  cto_model: {name: string; source: string; usable: boolean; alternative: string | null}
  strategy: string
  cost_optimization: boolean
  models_by_engine: Record<string, Array<{name: string; key: boolean; usable: boolean}>>
  /** Enabled models that can't be used now, why, and the fix. */
  unavailable: Array<{model: string; code: string; reason: string; fix: string; since: string | null}>
  disabled: string[]
  plugins: Array<{name: string; version: string; type: string; models: string[]}>
  broken_plugins: Array<{name: string; reason: string}>
  config_files: string[]
  /** Files in the config folder that look like a user config but are not read (only config.json is). */
  unread_config_files: string[]
  data_dir: string
  /** `kind`: files (this machine) or postgres (the team's database; `path` is its URL without the password). */
  store: {kind: 'files' | 'postgres'; path: string; attempts: number; models: number} | {kind: 'files' | 'postgres'; path: string; error: string}
  /** Tokens used today per budget group: this machine's (files) or the whole team's (postgres: spent plus held by attempts running now). */
  budgets: Record<'claude' | 'external', {used_today: number; held_now?: number; budget: number; enforced: boolean; scope: 'machine' | 'team'}>
  task_log: string
  /** What stands between a model's commands and this machine, for work started in this folder. */
  boundary: BoundaryReport
  warnings: string[]
}

export default class Status extends CtoCommand {
  static override summary = 'Show the CTO model, strategy, enabled models and keys, plugins, config files and data directory.'
  static override examples = ['<%= config.bin %> <%= command.id %>', 'CTO_MODEL=opus <%= config.bin %> <%= command.id %> --json | jq .cto_model']

  async run(): Promise<StatusResult> {
    const ctx = await this.loadCtx()
    const cto = ctx.models.find((m) => m.name === ctx.config.cto_model)
    const {modelAvailability} = await import('../core/availability/model-availability.js')
    const {SpendLedger} = await import('../core/budget/spend-ledger.js')
    const {unavailable} = await modelAvailability(ctx.models, ctx.env)
    const byEngine: StatusResult['models_by_engine'] = {}
    for (const m of ctx.models.filter((x) => x.enabled)) (byEngine[m.engine] ??= []).push({name: m.name, key: hasUsableKey(m), usable: hasUsableKey(m) && !unavailable.has(m.name)})
    const {openPerfStore} = await import('../core/store/open-perf-store.js')
    const {redactStoreUrl, resolveStoreSettings} = await import('../core/store/store-settings.js')
    const budget = ctx.config.cost_optimization
    let store: StatusResult['store']
    let today = {claude: 0, external: 0}
    let held: {claude: number; external: number} | undefined
    const settings = resolveStoreSettings(ctx.env, ctx.config.store, ctx.sources['store.url'])
    const kind = settings.kind
    try {
      const s = await openPerfStore({settings, env: ctx.env, onWarning: (m) => this.note(`Warning: ${m}`)})
      try {
        const info = s.info() as ReturnType<typeof s.info> & {spent_today?: typeof today; held_today?: typeof today}
        store = {kind, path: info.location, attempts: info.attempts, models: info.models}
        const spent = info.spent_today ?? info.tokens_today
        // Budgets count the CTO's calls and cut-short attempts too (this machine's spend ledger).
        const ledger = await SpendLedger.open({env: ctx.env})
        today = {claude: spent.claude + ledger.tokensToday('claude'), external: spent.external + ledger.tokensToday('external')}
        held = info.held_today
      } finally {
        await s.close()
      }
    } catch (error) {
      store = {kind, path: settings.url ? redactStoreUrl(settings.url) : storeDirOf(ctx.env), error: (error as Error).message}
    }
    const {resolveToolPolicy} = await import('../core/tools/policy/policy-schema.js')
    const {describeBoundary, boundaryLine} = await import('../core/tools/sandbox/describe-boundary.js')
    const boundary = await describeBoundary(resolveToolPolicy(ctx.config.tools), {env: ctx.env, cwd: ctx.cwd})
    const scope = kind === 'postgres' ? ('team' as const) : ('machine' as const)
    const usableNow = (m: (typeof ctx.models)[number]) => m.enabled && hasUsableKey(m) && !unavailable.has(m.name)
    const ctoUsable = cto !== undefined && usableNow(cto)
    const {ctoAlternative, ctoAlternativeFix} = await import('../core/models/cto-alternative.js')
    const result: StatusResult = {
      cto_model: {name: ctx.config.cto_model, source: ctx.sources.cto_model ?? 'default', usable: ctoUsable, alternative: ctoUsable ? null : (ctoAlternative(ctx.models, ctx.config.cto_model, usableNow) ?? null)},
      strategy: ctx.config.model_selection_strategy,
      cost_optimization: ctx.config.cost_optimization.enabled,
      models_by_engine: byEngine,
      unavailable: [...unavailable].map(([model, u]) => ({model, ...u})),
      disabled: ctx.models.filter((m) => !m.enabled).map((m) => m.name),
      plugins: ctx.catalog.plugins.map((p) => ({name: p.name, version: p.version, type: p.type, models: p.models})),
      broken_plugins: ctx.catalog.broken.map((b) => ({name: b.name, reason: b.reason})),
      config_files: ctx.layers.filter((l) => l.file).map((l) => l.file as string),
      unread_config_files: strayUserConfigs(ctx.env),
      data_dir: dataDir(ctx.env),
      store,
      budgets: {
        claude: {used_today: today.claude, ...(held ? {held_now: held.claude} : {}), budget: budget.token_budget_per_day.claude, enforced: budget.enabled, scope},
        external: {used_today: today.external, ...(held ? {held_now: held.external} : {}), budget: budget.token_budget_per_day.external, enforced: budget.enabled, scope},
      },
      task_log: taskLogPath(ctx.env),
      boundary,
      warnings: ctx.warnings,
    }
    if (!this.jsonEnabled()) {
      const down = cto ? unavailable.get(cto.name) : undefined
      const keyNote = result.cto_model.usable ? '' : ` — not usable yet: ${cto ? (!cto.enabled ? 'disabled' : down ? down.reason : `no key (cto keys set ${cto.name})`) : 'unknown model'}; routing falls back to the local heuristic${result.cto_model.alternative ? `, or ${ctoAlternativeFix(result.cto_model.alternative)}` : ''}`
      this.log(`CTO model      ${result.cto_model.name} (from ${result.cto_model.source})${keyNote}`)
      this.log(`Strategy       ${result.strategy}, cost optimisation ${result.cost_optimization ? 'on' : 'off'}`)
      for (const [engine, models] of Object.entries(byEngine)) {
        this.log(`${engine.padEnd(13)}  ${models.map((m) => (!m.key ? `${m.name} (no key)` : m.usable ? m.name : `${m.name} (unusable)`)).join(', ')}`)
      }
      const {unavailableLines, viewModel} = await import('../core/models/describe.js')
      for (const line of unavailableLines(ctx.models.map((m) => viewModel(m, unavailable.get(m.name))))) this.log(`Unusable       ${line}`)
      if (result.disabled.length > 0) this.log(`Disabled       ${result.disabled.join(', ')}`)
      this.log(`Plugins        ${result.plugins.map((p) => `${p.name.replace('@cto-cli/', '')}${p.type === 'core' ? '' : ` (${p.type})`}`).join(', ')}`)
      for (const b of result.broken_plugins) this.log(`Broken plugin  ${b.name}: ${b.reason}`)
      this.log(`Config files   ${result.config_files.length > 0 ? result.config_files.join(', ') : 'none (defaults)'}`)
      if (result.unread_config_files.length > 0) this.log(`Not read       ${result.unread_config_files.join(', ')}: the user config is ${userConfigPath(ctx.env)} (JSON, comments allowed); move the settings there`)
      this.log(`Data           ${result.data_dir}`)
      const label = kind === 'postgres' ? 'team (PostgreSQL) ' : ''
      this.log(`Store          ${label}${'error' in store ? `${store.path} (unreadable: ${store.error})` : `${store.path} · ${formatInt(store.attempts)} attempts, ${store.models} models`}`)
      const b = result.budgets
      const fmt = (x: {used_today: number; held_now?: number; budget: number}) => `${formatInt(x.used_today)} / ${formatInt(x.budget)}${x.held_now ? ` (+${formatInt(x.held_now)} held by running attempts)` : ''}`
      this.log(`${scope === 'team' ? 'Team tokens today' : 'Tokens today  '} claude ${fmt(b.claude)}, external ${fmt(b.external)}${budget.enabled ? '' : ' (budgets off: cost optimisation disabled)'}`)
      this.log(`Task log       ${result.task_log}`)
      this.log(`Workspace      ${boundary.workspace}`)
      this.log(`Boundary       ${boundaryLine(boundary)}`)
      for (const fix of boundary.fix) this.log(`               → ${fix}`)
      for (const w of result.warnings) this.note(`Warning: ${w}`)
    }
    return result
  }
}
