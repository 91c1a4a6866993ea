/**
 * One small errors module. Every error cto raises on purpose is a CtoError: it says what happened
 * and what to do next, carries a stable `code` and an exit code. An installed plugin may bring its
 * own copy of this file, so identity is checked with a global symbol, not `instanceof`
 * (the pattern of vercel/ai's AISDKError): the marker of `@cto-cli/provider-spec`, which a
 * plugin's own errors (`ProviderPluginError`) carry too.
 */
import {CTO_ERROR_MARKER as marker} from '@cto-cli/provider-spec'
import {EXIT} from './exit-codes.js'
import {configKeyArg} from './cli/config-key-arg.js'

export interface CtoErrorOptions {
  code: string
  message: string
  exitCode?: number
  /** What the user can do about it, one line each. */
  actions?: string[]
  cause?: unknown
}

export class CtoError extends Error {
  readonly [marker] = true
  readonly code: string
  readonly exitCode: number
  readonly actions: string[]

  constructor(opts: CtoErrorOptions) {
    super(opts.message, opts.cause === undefined ? undefined : {cause: opts.cause})
    this.name = 'CtoError'
    this.code = opts.code
    this.exitCode = opts.exitCode ?? 1
    this.actions = opts.actions ?? []
  }

  static isInstance(error: unknown): error is CtoError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true
  }

  toJSON(): Record<string, unknown> {
    return {code: this.code, message: this.message, actions: this.actions}
  }
}

/** The command line is wrong (a bad value, an unknown name): exit 64, as sysexits' EX_USAGE. */
export class UsageError extends CtoError {
  constructor(opts: Omit<CtoErrorOptions, 'exitCode'>) {
    super({...opts, exitCode: EXIT.usage})
    this.name = 'UsageError'
  }
}

/** The user stopped cto (Ctrl-C, SIGTERM): exit 130. */
export class InterruptedError extends CtoError {
  constructor(message = 'Interrupted.', actions: string[] = []) {
    super({code: 'INTERRUPTED', message, actions, exitCode: EXIT.interrupted})
    this.name = 'InterruptedError'
  }
}

/** A config file that can't be parsed or doesn't match the schema. */
export interface ConfigProblem {
  /** JSON path such as `worker_models.external.kimi.enabled`; empty for the whole file. */
  path: string
  message: string
  line?: number
  column?: number
}

export class ConfigError extends CtoError {
  readonly file?: string
  readonly problems: ConfigProblem[]

  constructor(opts: {file?: string; problems: ConfigProblem[]; message?: string; actions?: string[]; cause?: unknown}) {
    const where = (p: ConfigProblem) =>
      `${opts.file ?? 'config'}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`}${p.path ? ` ${p.path}` : ''}`
    super({
      code: 'CONFIG_INVALID',
      message: opts.message ?? opts.problems.map((p) => `${where(p)}: ${p.message}`).join('\n'),
      actions: opts.actions ?? [
        opts.file ? `Fix ${opts.file}, then check it with "cto config validate ${opts.file}".` : 'Check it with "cto config validate".',
      ],
      cause: opts.cause,
    })
    this.name = 'ConfigError'
    this.file = opts.file
    this.problems = opts.problems
  }

  override toJSON(): Record<string, unknown> {
    return {...super.toJSON(), file: this.file, problems: this.problems}
  }
}

export class NoSuchModelError extends CtoError {
  readonly model: string
  /** `what`: the kind of name that was asked for, when it is more than a model (`model or provider`). */
  constructor(model: string, opts: {suggestion?: string; what?: string; actions?: string[]} = {}) {
    const hint = opts.suggestion ? ` Did you mean "${opts.suggestion}"?` : ''
    super({
      code: 'NO_SUCH_MODEL',
      message: `Unknown ${opts.what ?? 'model'} "${model}".${hint}`,
      actions: opts.actions ?? ['See the known models with "cto models list", and the installed plugins with "cto plugins".'],
      exitCode: EXIT.usage,
    })
    this.name = 'NoSuchModelError'
    this.model = model
  }
}

/** The config names a model no installed plugin provides (its plugin was uninstalled): a setup problem, exit 1. */
export class PluginMissingError extends CtoError {
  readonly model: string
  constructor(model: string, opts: {group: string; source: string | null}) {
    super({
      code: 'PLUGIN_MISSING',
      message: `Model "${model}" is in your config${opts.source ? ` (${opts.source})` : ''}, but no installed plugin provides it (plugin missing).`,
      actions: [
        'Install the plugin that provides it: cto plugins install <plugin>',
        `Or remove it from your config: cto config unset ${configKeyArg('worker_models', opts.group, model)}`,
      ],
      exitCode: EXIT.error,
    })
    this.name = 'PluginMissingError'
    this.model = model
  }
}

export class NeedsKeyError extends CtoError {
  readonly model: string
  constructor(model: string, envVar?: string) {
    super({
      code: 'NEEDS_KEY',
      message: `No key for ${model}: run "cto keys set ${model}"${envVar ? ` or set ${envVar}` : ''}.`,
      actions: [`cto keys set ${model}`],
    })
    this.name = 'NeedsKeyError'
    this.model = model
  }
}

export class ModelDisabledError extends CtoError {
  readonly model: string
  constructor(model: string) {
    super({
      code: 'MODEL_DISABLED',
      message: `Model ${model} is disabled: run "cto models enable ${model}".`,
      actions: [`cto models enable ${model}`],
    })
    this.name = 'ModelDisabledError'
    this.model = model
  }
}

/** The tool worker's policy refused something. The message is meant to be read by the model. */
export class PolicyError extends CtoError {
  readonly rule: string
  constructor(rule: string, message: string) {
    super({code: 'POLICY_BLOCKED', message, actions: []})
    this.name = 'PolicyError'
    this.rule = rule
  }
}

const retryableStatus = new Set([408, 409, 429])

/** A call to a model provider failed. `isRetryable` tells the router whether trying again may help. */
export class ProviderCallError extends CtoError {
  readonly statusCode?: number
  readonly isRetryable: boolean
  readonly model: string

  constructor(opts: {model: string; message: string; statusCode?: number; isRetryable?: boolean; code?: string; cause?: unknown; actions?: string[]}) {
    super({code: opts.code ?? 'PROVIDER_CALL_FAILED', message: opts.message, cause: opts.cause, actions: opts.actions})
    this.name = 'ProviderCallError'
    this.model = opts.model
    this.statusCode = opts.statusCode
    this.isRetryable =
      opts.isRetryable ??
      (opts.statusCode === undefined ? true : retryableStatus.has(opts.statusCode) || opts.statusCode >= 500)
  }

  override toJSON(): Record<string, unknown> {
    return {...super.toJSON(), model: this.model, statusCode: this.statusCode, retryable: this.isRetryable}
  }
}
