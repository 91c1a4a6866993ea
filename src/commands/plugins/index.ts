import {commands} from '@oclif/plugin-plugins'
import {summarisePlugin} from '../../core/plugins/plugin-summary.js'

const Base: (typeof commands)['plugins'] = commands['plugins']

/**
 * oclif's `plugins`, whose `--json` is a short list (src/core/plugins/plugin-summary.ts) of the
 * plugins the text lists (with --core, cto's own too), not every plugin as oclif's Plugin object.
 */
export default class Plugins extends Base {
  static override examples = [...(Base.examples ?? []), '<%= config.bin %> <%= command.id %> --core --json | jq -r ".[].name"']

  override async run() {
    const {flags} = await this.parse(Plugins)
    const plugins = (await super.run()) as unknown as Parameters<typeof summarisePlugin>[0][]
    // As the text: installed and linked plugins; cto's own (core) only with --core.
    return plugins.filter((p) => flags.core || (p.type !== 'core' && p.type !== 'dev')).map((p) => summarisePlugin(p)) as never
  }
}
