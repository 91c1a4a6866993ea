/**
 * `--model` for the commands that read the performance store (`cto perf`, `cto perf report`): a model
 * the plugins know (or a legacy name for one), or one the store has history for (imported RouterBench
 * models). Anything else is a usage error (exit 64) naming the closest model, so a typo never reads as
 * "no attempts yet".
 */
import type {CtoContext} from '../context.js'
import {CtoError, NoSuchModelError} from '../errors.js'
import {EXIT} from '../exit-codes.js'
import {suggest} from './did-you-mean.js'

export async function knownModel(name: string, withHistory: string[], loadCtx: () => Promise<CtoContext>): Promise<string> {
  if (withHistory.includes(name)) return name
  const {findModel} = await import('../context.js')
  const ctx = await loadCtx()
  try {
    return findModel(ctx, name).name
  } catch (error) {
    if (!CtoError.isInstance(error) || error.code !== 'NO_SUCH_MODEL' || error.exitCode !== EXIT.usage) throw error
    throw new NoSuchModelError(name, {suggestion: suggest(name, [...new Set([...ctx.models.map((m) => m.name), ...withHistory])])})
  }
}
