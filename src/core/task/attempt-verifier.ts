/**
 * The verification `cto task` runs on an attempt's copy: the test command (review.verify, else
 * detected) through the tool worker's run_command, rooted at the copy, with the configured time
 * limit — so it runs under the same policy and (issue 10) the same OS sandbox as a model's commands.
 */
import type {EffectiveConfig} from '../config/effective.js'
import type {AttemptPlace} from './attempt-place.js'
import {detectTestCommand, runVerification, type VerificationOutcome} from './verification.js'

export function createAttemptVerifier(o: {config: EffectiveConfig; env: NodeJS.ProcessEnv}): (x: {place: AttemptPlace}) => Promise<VerificationOutcome> {
  return async ({place}) => {
    const root = place.projectRoot ?? place.cwd
    const configured = o.config.review.verify
    const test = await detectTestCommand({root, from: place.cwd, configured})
    if (!test) {
      return {ran: false, reason: configured === false ? 'off (review.verify is false)' : 'no test command found (package.json test script, Makefile test target, pytest, Cargo.toml, go.mod); set review.verify in the config'}
    }
    const {createToolRunner} = await import('../tools/worker/tool-runner.js')
    const runner = createToolRunner({model: 'cto-verify', workspace: root, policy: o.config.tools, env: o.env, cwd: test.cwd})
    return runVerification({test, runner, timeoutSeconds: o.config.review.verify_timeout_seconds})
  }
}
