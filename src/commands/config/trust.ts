import {Args, Flags} from '@oclif/core'

import {CtoCommand} from '../../core/cli/base-command.js'
import {CtoError} from '../../core/errors.js'

export interface ConfigTrustResult {
  file: string
  trusted: boolean
  /** The fields that count only once the file is trusted, with the values it sets. */
  gated: Record<string, unknown>
  digest: string | null
  store: string
}

export default class ConfigTrust extends CtoCommand {
  static override summary = "Trust this folder's project config, so its endpoints, keys, workspace, tool policy and budgets take effect."
  static override description =
    'A project config (cto.config.json, .ctorc*, package.json#cto) comes with the repository. Until you trust it, its ' +
    'tools, provider_endpoints, providers, engines.claude_permission_mode, review and store are ignored with a warning. Trust is bound ' +
    "to the file's path and content: any change to the config needs trusting again (as direnv and mise do)."
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> ./cto.config.json',
    '<%= config.bin %> <%= command.id %> --revoke',
  ]
  static override args = {file: Args.string({description: 'the project config to trust (default: the one found from here upward)'})}
  static override flags = {revoke: Flags.boolean({description: 'Stop trusting it: its gated fields are ignored again.'})}

  async run(): Promise<ConfigTrustResult> {
    const {args, flags} = await this.parse(ConfigTrust)
    const {findProjectConfig} = await import('../../core/config/layers.js')
    const {readConfigFile} = await import('../../core/config/parse-file.js')
    const {gatedFields, revokeTrust, trustConfig, trustStorePath} = await import('../../core/config/trust.js')
    const {basename, dirname, resolve} = await import('node:path')
    // package.json holds its config under the `cto` key: read it the way the config search does.
    const parsed = !args.file
      ? await findProjectConfig(process.cwd(), process.env)
      : basename(args.file) === 'package.json'
        ? await findProjectConfig(dirname(resolve(args.file)), process.env).then((p) => (p?.file === resolve(args.file!) ? p : undefined))
        : await readConfigFile(resolve(args.file))
    if (!parsed) {
      throw new CtoError({
        code: 'NO_PROJECT_CONFIG',
        message: args.file ? `${args.file} does not exist.` : 'No project config found from this folder upward (cto.config.json, .ctorc*, package.json#cto).',
        actions: ['Run it in the project folder, or name the file: cto config trust ./cto.config.json'],
      })
    }
    const {validateConfigData} = await import('../../core/config/layers.js')
    const validation = await validateConfigData(parsed)
    if (!validation.data) {
      throw new CtoError({code: 'CONFIG_INVALID', message: `${parsed.file} is not a valid config, so it can't be trusted.`, actions: [`Run "cto config validate ${parsed.file}" for the problems.`]})
    }
    const data = validation.data
    const gated: Record<string, unknown> = {}
    for (const field of gatedFields(data)) {
      const [top, sub] = field.split('.')
      const v = (data as Record<string, Record<string, unknown>>)[top!]
      gated[field] = sub ? v?.[sub] : v
    }
    const store = trustStorePath(process.env)
    if (flags.revoke) {
      const was = await revokeTrust(parsed.file, process.env)
      if (!this.jsonEnabled()) this.log(was ? `No longer trusted: ${parsed.file}` : `${parsed.file} was not trusted.`)
      return {file: parsed.file, trusted: false, gated, digest: null, store}
    }
    const entry = await trustConfig(parsed.file, data, process.env)
    if (!this.jsonEnabled()) {
      this.log(`Trusted ${parsed.file} (${entry.digest.slice(0, 19)}…).`)
      if (Object.keys(gated).length === 0) this.log('It sets none of the gated fields today; a later change to it needs trusting again.')
      else for (const [k, v] of Object.entries(gated)) this.log(`  ${k} = ${JSON.stringify(v)}`)
    }
    return {file: parsed.file, trusted: true, gated, digest: entry.digest, store}
  }
}
