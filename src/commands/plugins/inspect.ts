import {commands} from '@oclif/plugin-plugins'
import {CtoError} from '../../core/errors.js'
import {EXIT} from '../../core/exit-codes.js'
import {inspectPlugin} from '../../core/plugins/plugin-summary.js'
import {suggest} from '../../core/cli/did-you-mean.js'

const Base: (typeof commands)['plugins:inspect'] = commands['plugins:inspect']

/**
 * oclif's `plugins inspect`, whose `--json` is a short document per plugin
 * (src/core/plugins/plugin-summary.ts), and whose unknown plugin is a usage error with the names
 * there are, not an internal error.
 */
export default class PluginsInspect extends Base {
  /** oclif logs a bare "failed" on stdout before its error; cto's error says what failed, on stderr. */
  override log(message?: string, ...args: unknown[]): void {
    // eslint-disable-next-line no-control-regex
    if (typeof message === 'string' && message.replace(/\u001b\[[0-9;]*m/g, '') === 'failed') return
    super.log(message, ...args)
  }

  override async run() {
    let plugins
    try {
      plugins = (await super.run()) as unknown as Parameters<typeof inspectPlugin>[0][]
    } catch (error) {
      const missing = /^(.+) not installed$/.exec((error as Error).message ?? '')
      if (!missing) throw error
      const guess = suggest(missing[1] as string, this.config.getPluginsList().map((p) => p.name))
      throw new CtoError({
        code: 'NO_SUCH_PLUGIN',
        message: `No plugin "${missing[1]}" is installed.${guess ? ` Did you mean "${guess}"?` : ''}`,
        actions: [`See the installed plugins with "${this.config.bin} plugins", and those cto comes with with "${this.config.bin} plugins --core".`],
        exitCode: EXIT.usage,
      })
    }
    return plugins.map((p) => inspectPlugin(p)) as never
  }
}
