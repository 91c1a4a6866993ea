import {CtoCommand} from '../core/cli/base-command.js'

export interface VersionResult {
  version: string
  /** What `cto --version` prints: `cto-cli/0.1.0 linux-x64 node-v20.20.2`. */
  user_agent: string
  node: string
  platform: string
  arch: string
}

/** `cto version`, as `gh version`, `docker version` and `git version` have it: the same as `--version`, and with `--json` for scripts. */
export default class Version extends CtoCommand {
  static override summary = 'Print the version of cto, Node and the platform (the same as --version).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json | jq -r .version']

  async run(): Promise<VersionResult> {
    const result: VersionResult = {version: this.config.version, user_agent: this.config.userAgent, node: process.version, platform: process.platform, arch: process.arch}
    if (!this.jsonEnabled()) this.log(result.user_agent)
    return result
  }
}
