import {Args, Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import type {CheckResult as CommandCheckResult} from './check-command.js'

type CheckResult = Omit<CommandCheckResult, 'boundary'>

export default class ToolsCheckPath extends CtoCommand {
  static override summary = "Show what the tool worker's path policy decides for a read or a write: exit 0 allowed, 1 blocked."
  static override examples = [
    '<%= config.bin %> <%= command.id %> read ~/.ssh/id_ed25519',
    '<%= config.bin %> <%= command.id %> write ~/code/app/src/index.ts --workspace ~/code/app',
  ]
  static override args = {
    mode: Args.string({description: 'read or write', required: true, options: ['read', 'write']}),
    path: Args.string({description: 'the path (a leading ~/ is your home)', required: true}),
  }
  static override flags = {workspace: Flags.string({description: 'Narrow the root to this folder.'})}

  async run(): Promise<CheckResult & {path?: string}> {
    const {args, flags} = await this.parse(ToolsCheckPath)
    const {checkPath} = await import('../../core/tools/policy/path-policy.js')
    const {toolPolicyFromConfig} = await import('../../core/tools/policy/policy-from-config.js')
    const policy = await toolPolicyFromConfig(process.cwd(), process.env)
    const d = checkPath(args.mode as 'read' | 'write', args.path, {env: process.env, policy, workspace: flags.workspace, cwd: process.cwd()})
    const result = d.allowed ? {allowed: true, path: d.path} : {allowed: false, rule: d.rule, reason: d.reason}
    if (!this.jsonEnabled()) this.log(d.allowed ? `allowed: ${d.path}` : `blocked (${d.rule}): ${d.reason}`)
    if (!result.allowed) {
      if (this.jsonEnabled()) this.logJson(result)
      this.exit(1)
    }
    return result
  }
}
