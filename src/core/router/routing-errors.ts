import {CtoError} from '../errors.js'

/** Nothing can take the task: every suitable model is disabled, without a key, or over budget. */
export class NoUsableModelError extends CtoError {
  readonly reasons: string[]
  constructor(what: string, reasons: string[]) {
    super({
      code: 'NO_USABLE_MODEL',
      message: `No model can take this ${what}: ${reasons.join('; ')}.`,
      actions: [
        'Enable a model with "cto models enable <model>" or add a key with "cto keys set <model>".',
        'Raise cost_optimization.token_budget_per_day in the config, or wait for tomorrow\'s budget.',
      ],
    })
    this.name = 'NoUsableModelError'
    this.reasons = reasons
  }
}
