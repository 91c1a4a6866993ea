/** A refusal of the command policy, thrown by the walker, its path checks and its rules. */
import {displayWord, type ShWord} from './shell-words.js'

export class Blocked extends Error {
  constructor(
    /** A stable id (`recursive-delete`, `names-protected-path`, …). */
    readonly rule: string,
    /** What to tell the model: what was refused and what to do instead. */
    readonly reason: string,
  ) {
    super(reason)
  }
}

/** A word for a message: as a person would read it, cut to a readable length. */
export function shown(w: ShWord | string): string {
  const d = displayWord(w)
  return JSON.stringify(d.length > 120 ? `${d.slice(0, 120)}…` : d)
}
