/**
 * Until `cto tools hook` exists: the same thing run from the sources with tsx. Reads Claude Code's
 * PreToolUse JSON on stdin, applies the tool worker's policy (evaluateClaudeHook) rooted at
 * $CTO_WORKSPACE, exits 2 with the reason on stderr to block.
 */
import {evaluateClaudeHook} from '../../src/core/tools/policy/claude-hook.js'

let input = ''
process.stdin.setEncoding('utf8')
for await (const chunk of process.stdin) input += chunk
const decision = evaluateClaudeHook(input, {env: process.env, workspace: process.env.CTO_WORKSPACE || null})
if (decision.block) {
  process.stderr.write(decision.reason)
  process.exitCode = 2
}
