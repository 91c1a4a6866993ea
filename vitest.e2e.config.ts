import {defineConfig} from 'vitest/config'
import base from './vitest.config.js'

/**
 * `npm run test:e2e` (after `npm run build`): the tests that need cto as a process of its own, the
 * built bin/run.js (signals, start-up, plugins installed into a sandbox, several processes at once,
 * Claude Code calling cto's hook, the sandbox escape corpus through `cto run`, the report page's
 * bundled assets). `npm test` runs everything else.
 */
// Not base's NODE_OPTIONS: the built CLI these tests start reads @cto-cli/provider-spec from its dist/.
export default defineConfig({...base, test: {...base.test, env: undefined, include: ['test/**/*.e2e.test.ts'], exclude: ['**/node_modules/**']}})
