import {CtoCommand} from '../../core/cli/base-command.js'
import {findProjectConfig} from '../../core/config/layers.js'
import {agentConfigPath, dataDir, userConfigPath} from '../../core/paths.js'

export interface ConfigPathResult {
  user: string
  project: string | null
  env_file: string | null
  agents: string
  data_dir: string
}

export default class ConfigPath extends CtoCommand {
  static override summary = 'Print where cto reads its config, keys and data.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '$EDITOR "$(<%= config.bin %> <%= command.id %> --json | jq -r .user)"']

  async run(): Promise<ConfigPathResult> {
    const project = await findProjectConfig(process.cwd(), process.env).catch(() => undefined)
    const result: ConfigPathResult = {
      user: userConfigPath(),
      project: project?.file ?? null,
      env_file: process.env.ORCHESTRATOR_CONFIG || process.env.CTO_CONFIG || null,
      agents: agentConfigPath('<model>'),
      data_dir: dataDir(),
    }
    if (!this.jsonEnabled()) {
      this.log(`user config     ${result.user}`)
      this.log(`project config  ${result.project ?? '(none found from here upward)'}`)
      this.log(`env config      ${result.env_file ?? '(ORCHESTRATOR_CONFIG / CTO_CONFIG not set)'}`)
      this.log(`keys            ${result.agents}`)
      this.log(`data            ${result.data_dir}`)
    }
    return result
  }
}
