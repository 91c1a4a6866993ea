/**
 * Entry of `dist/tools-hook.js`, the PreToolUse hook cto installs in every Claude Code session it
 * starts: `node dist/tools-hook.js`, its context in CTO_HOOK_CONTEXT (hook-context.ts). Claude Code runs it before every
 * tool call, so it is bundled alone and loads neither oclif nor zod nor the config files; the shell
 * parser (mvdan-sh, ~70 ms to load) only when a Bash call must go through the command policy, which
 * happens when Claude Code's own sandbox is off.
 *
 * Exit 0 lets the call run; exit 2 blocks it and Claude Code hands stderr to the model. Anything
 * unexpected blocks (fail closed), and the command cto installs ends in `|| exit 2` for crashes.
 */
import {evaluateClaudeHook} from './claude-hook.js'
import {decodeHookContext, HOOK_CONTEXT_ENV} from './hook-context.js'
import {setConfiguredKeyFiles} from './protected-paths.js'

async function main(): Promise<void> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  const ctx = decodeHookContext(process.env[HOOK_CONTEXT_ENV] ?? '')
  setConfiguredKeyFiles(ctx.keyFiles)
  const decision = evaluateClaudeHook(text, {env: {...process.env, HOME: ctx.home}, policy: ctx.policy, workspace: ctx.workspace}, {filterBash: ctx.filterBash})
  if (decision.block) {
    process.stderr.write(`${decision.reason}\n`)
    process.exitCode = 2
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cto tools hook failed, so the call is blocked: ${(error as Error)?.message ?? String(error)}\n`)
  process.exitCode = 2
})
