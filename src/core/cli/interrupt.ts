/**
 * Ctrl-C (SIGINT) and SIGTERM while cto works: the first one aborts the running call (the engine
 * stops its worker, a Claude Code session or a tool command is killed with its process group) and
 * lets the task end in order, so the attempt is recorded with the tokens spent so far, the task
 * log is written and nothing is left half-written; the command then exits 130. A second signal
 * exits at once (130), for a call that does not stop.
 */
import {EngineFailureError} from '../engines/engine-failure.js'
import {EXIT} from '../exit-codes.js'

export interface Interruption {
  signal: AbortSignal
  /** The signal that arrived, if any. */
  readonly received: NodeJS.Signals | undefined
  dispose(): void
}

export function watchInterrupts(opts: {note?: (message: string) => void; signals?: NodeJS.Signals[]} = {}): Interruption {
  const controller = new AbortController()
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM']
  let received: NodeJS.Signals | undefined
  const handler = (sig: NodeJS.Signals) => {
    if (received) {
      process.stderr.write(`\n${sig} again: quitting at once.\n`)
      process.exit(EXIT.interrupted)
    }
    received = sig
    opts.note?.(`${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping the running call and recording what was done (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again quits at once).`)
    controller.abort(new EngineFailureError({code: 'cancelled', message: `Interrupted by ${sig}: stopped by the user.`, retryable: false}))
  }
  for (const s of signals) process.on(s, handler)
  return {
    signal: controller.signal,
    get received() {
      return received
    },
    dispose: () => {
      for (const s of signals) process.off(s, handler)
    },
  }
}
