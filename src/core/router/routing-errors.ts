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
    super({code: 'NO_USABLE_MODEL', message: `No model can take this ${what}: ${groupReasons(reasons).join('; ')}.`, actions})
    this.name = 'NoUsableModelError'
    this.reasons = reasons
  }
}

/** A reason's verb for several models: "deepseek has no key" → "deepseek, glm have no key". */
const PLURAL: Array<[string, string]> = [
  [' has no key', ' have no key'],
  [' is disabled', ' are disabled'],
  [' is not a known model', ' are not known models'],
]

/**
 * Models that fail for the same reason, named together: "haiku, sonnet, opus can't be used: the
 * Claude Code CLI ("claude") is not on PATH; deepseek, glm, kimi have no key" — one reason a line
 * to read, not one per model (a fresh machine has eight). A reason is "<model> <why>"; model names
 * hold no spaces. Possessive reasons ("x's group … is over its daily budget") stay as they are.
 * Order: where each reason first appears.
 */
export function groupReasons(reasons: readonly string[]): string[] {
  const groups = new Map<string, string[]>()
  const order: string[] = []
  for (const r of reasons) {
    const space = r.indexOf(' ')
    const name = space > 0 ? r.slice(0, space) : ''
    const why = space > 0 ? r.slice(space) : ''
    const key = name === '' || name.includes("'") ? `\u0000${r}` : why
    if (!groups.has(key)) order.push(key)
    groups.set(key, [...(groups.get(key) ?? []), key.startsWith('\u0000') ? r : name])
  }
  return order.map((key) => {
    const names = groups.get(key) as string[]
    if (key.startsWith('\u0000')) return names[0] as string
    if (names.length === 1) return `${names[0]}${key}`
    const plural = PLURAL.find(([one]) => key === one)
    return `${names.join(', ')}${plural ? plural[1] : key}`
  })
}
