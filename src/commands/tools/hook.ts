import {Flags} from '@oclif/core'
import {Command} from '@oclif/core'

/**
 * Claude Code's PreToolUse hook as a command, reading the config as every command does: for your own
 * Claude Code settings, or to see what the policy decides. The sessions cto starts get the bundled
 * dist/tools-hook.js instead (it loads no CLI, and its rules are fixed when the session starts).
 * Reads the hook JSON on stdin ({tool_name, tool_input, cwd}); exit 0 lets the call run, exit 2
 * blocks it with the reason on stderr (Claude Code hands it to the model). Anything unexpected
 * blocks: it fails closed.
 */
export default class ToolsHook extends Command {
  static override summary = "Claude Code PreToolUse hook: applies the tool worker's policy to Bash and file tools (exit 2 blocks)."
  static override examples = [`echo '{"tool_name":"Bash","tool_input":{"command":"rm -rf ~"}}' | <%= config.bin %> <%= command.id %>`]
  static override flags = {workspace: Flags.string({description: 'Narrow the root to this folder (cto passes its --workspace).'})}
  /** Claude Code's hook protocol: 0 lets the tool call run, 2 blocks it (README exit-code table). */
  static exitCodes = [0, 2]

  async run(): Promise<void> {
    try {
      const {flags} = await this.parse(ToolsHook)
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer))
      const text = Buffer.concat(chunks).toString('utf8')
      const {evaluateClaudeHook} = await import('../../core/tools/policy/claude-hook.js')
      const {toolPolicyFromConfig} = await import('../../core/tools/policy/policy-from-config.js')
      let cwd = process.cwd()
      try {
        const parsed = JSON.parse(text) as {cwd?: unknown}
        if (typeof parsed.cwd === 'string') cwd = parsed.cwd
      } catch {
        // evaluateClaudeHook reports the malformed input and blocks
      }
      const policy = await toolPolicyFromConfig(cwd, process.env)
      const decision = evaluateClaudeHook(text, {env: process.env, policy, workspace: flags.workspace, cwd})
      if (decision.block) {
        process.stderr.write(`${decision.reason}\n`)
        process.exitCode = 2
      }
    } catch (error) {
      process.stderr.write(`cto tools hook failed, so the call is blocked: ${(error as Error).message}\n`)
      process.exitCode = 2
    }
  }
}
