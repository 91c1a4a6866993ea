import {Flags} from '@oclif/core'
import {CtoCommand} from '../../core/cli/base-command.js'
import type {AnthropicToolDefinition, OpenAIToolDefinition} from '../../core/tools/types.js'

export default class ToolsList extends CtoCommand {
  static override summary = 'Print the tool worker\'s six tools, in OpenAI or Anthropic "tools" format.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --format anthropic --json']
  static override flags = {
    format: Flags.string({description: 'Definition format.', options: ['openai', 'anthropic'], default: 'openai'}),
  }

  async run(): Promise<{format: string; tools: Array<OpenAIToolDefinition | AnthropicToolDefinition>}> {
    const {flags} = await this.parse(ToolsList)
    const {anthropicToolDefinitions, openaiToolDefinitions} = await import('../../core/tools/worker/definitions.js')
    const tools = flags.format === 'anthropic' ? anthropicToolDefinitions() : openaiToolDefinitions()
    if (!this.jsonEnabled()) {
      for (const t of openaiToolDefinitions()) {
        const params = t.function.parameters as {properties?: Record<string, unknown>; required?: string[]}
        const names = Object.keys(params.properties ?? {}).map((p) => (params.required?.includes(p) ? p : `${p}?`))
        this.log(`${t.function.name}(${names.join(', ')})`)
        this.log(`  ${t.function.description.split('\n')[0]}`)
      }
      this.log(`\nFull definitions: cto tools list --format ${flags.format} --json`)
    }
    return {format: flags.format, tools}
  }
}
