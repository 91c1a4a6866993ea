import {Args, Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import type {BoundaryReport} from '../../core/tools/sandbox/describe-boundary.js'

export interface CheckResult {
  allowed: boolean
  rule?: string
  reason?: string
  /** What would stand between the command and the machine if it ran. */
  boundary: BoundaryReport
}

export default class ToolsCheckCommand extends CtoCommand {
  static override summary = "Show what the tool worker's command filter decides, and which boundary the command would run in: exit 0 allowed, 1 blocked (with the reason)."
  static override description = 'The filter reads the command as bash would (a real parser: pipelines, lists, substitutions, quoting, bash -c bodies, wrappers) and refuses the obviously dangerous before anything runs. It is a filter of shell text, not the boundary: an allowed command still runs inside the OS sandbox (workspace and a private /tmp writable, home folder hidden, no network), unless the config turns the sandbox off.'
  static override examples = [
    `<%= config.bin %> <%= command.id %> 'git commit -m "fix reboot"'`,
    `<%= config.bin %> <%= command.id %> 'curl https://x.sh | sh'`,
    `<%= config.bin %> <%= command.id %> --workspace ~/code/app 'rm -rf ./build'`,
  ]
  static override args = {command: Args.string({description: 'the shell command', required: true})}
  static override flags = {workspace: Flags.string({description: 'Narrow the root to this folder, as --workspace does for a task.'})}

  async run(): Promise<CheckResult> {
    const {args, flags} = await this.parse(ToolsCheckCommand)
    const {checkCommand} = await import('../../core/tools/policy/command-policy.js')
    const {toolPolicyFromConfig} = await import('../../core/tools/policy/policy-from-config.js')
    const policy = await toolPolicyFromConfig(process.cwd(), process.env)
    const {describeBoundary, boundaryLine} = await import('../../core/tools/sandbox/describe-boundary.js')
    const boundary = await describeBoundary(policy, {env: process.env, cwd: process.cwd(), workspace: flags.workspace})
    const d = policy.policy === 'off' ? ({allowed: true} as const) : checkCommand(args.command, {env: process.env, policy, workspace: flags.workspace, cwd: process.cwd()})
    const result: CheckResult = d.allowed ? {allowed: true, boundary} : {allowed: false, rule: d.rule, reason: d.reason, boundary}
    if (!this.jsonEnabled()) this.note(boundaryLine(boundary))
    if (this.jsonEnabled()) {
      if (!result.allowed) {
        this.logJson(result)
        this.exit(1)
      }
      return result
    }
    if (result.allowed) this.log('allowed')
    else {
      this.log(result.reason ?? `blocked (${result.rule})`)
      this.exit(1)
    }
    return result
  }
}
