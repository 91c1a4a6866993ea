/**
 * The error marker. cto's errors carry `Symbol.for('cto.error')`, so an error is recognised whichever
 * copy of the code made it (a plugin installed from npm brings its own copy of this package). A
 * plugin may throw a `ProviderPluginError` from its hook: cto shows its message and actions where it
 * lists the plugin as broken (`cto models list`, `cto status`), and goes on without the plugin.
 */
export const CTO_ERROR_MARKER: unique symbol = Symbol.for('cto.error')

/** What every marked error has. */
export interface CtoErrorLike {
  readonly code: string
  readonly message: string
  /** What the user can do about it, one line each. */
  readonly actions: readonly string[]
}

/** True for an error made by any copy of cto or of this package. */
export function isCtoError(error: unknown): error is CtoErrorLike & Error {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[CTO_ERROR_MARKER] === true
}

export interface ProviderPluginErrorOptions {
  /** A stable code, e.g. `TOGETHER_BAD_SETTINGS`. */
  code: string
  /** What happened, in one sentence. */
  message: string
  /** What to do about it: `Set providers.together.base_url to a URL: cto config set providers.together.base_url <url>`. */
  actions?: string[]
  cause?: unknown
}

/** An error a plugin throws from its `cto:providers` hook when it can't describe its models (bad settings, ...). */
export class ProviderPluginError extends Error implements CtoErrorLike {
  readonly [CTO_ERROR_MARKER] = true
  readonly code: string
  readonly actions: string[]

  constructor(options: ProviderPluginErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'ProviderPluginError'
    this.code = options.code
    this.actions = options.actions ?? []
  }
}
