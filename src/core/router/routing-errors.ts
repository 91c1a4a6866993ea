import {CtoError} from '../errors.js'

/**
 * Nothing can take the task: every suitable model is disabled, without a key, unusable, without
 * tools the type needs, or over budget. The fixes offered are the ones the reasons call for;
 * `first` (the caller's) goes before them, e.g. what would let the model the router would pick run.
 */
export class NoUsableModelError extends CtoError {
  readonly reasons: string[]
  constructor(what: string, reasons: string[], first: string[] = []) {
    const has = (re: RegExp) => reasons.some((r) => re.test(r))
    const actions = [...first]
    if (has(/ has no key$| is disabled$/) || reasons.length === 0) actions.push('Enable a model with "cto models enable <model>" or add a key with "cto keys set <model>".')
    if (has(/can't call tools/)) actions.push(`A ${what} needs a model that can call tools: "cto models list" shows which can.`)
    if (has(/over its daily budget/)) actions.push("Raise cost_optimization.token_budget_per_day in the config, or wait for tomorrow's budget.")
    if (actions.length === 0) actions.push('"cto status" shows each model and what it needs.')
    super({code: 'NO_USABLE_MODEL', message: `No model can take this ${what}: ${reasons.join('; ')}.`, actions})
    this.name = 'NoUsableModelError'
    this.reasons = reasons
  }
}
