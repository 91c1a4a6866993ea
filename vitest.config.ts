import {configDefaults, defineConfig} from 'vitest/config'
import {defaultServerConditions} from 'vite'

/**
 * `npm test`: every test but the end-to-end ones, from the TypeScript sources: no build. Command
 * tests run cto in the test's process (test/support/run-cli-in-process.ts). `*.e2e.test.ts` run the
 * built bin/run.js as a process of its own: `npm run test:e2e` (vitest.e2e.config.ts) builds first.
 */
// @cto-cli/provider-spec (packages/provider-spec) is read from its src/ through this export
// condition, in vitest's module graph and in what oclif imports natively (the commands, through tsx).
const SOURCE = '@cto-cli/source'

export default defineConfig({
  resolve: {conditions: [SOURCE, ...defaultServerConditions]},
  ssr: {resolve: {conditions: [SOURCE, ...defaultServerConditions]}},
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/**/*.e2e.test.ts'],
    execArgv: [`--conditions=${SOURCE}`],
    // The same for the Node processes tests start from the sources (`node --import tsx …`, test/store).
    env: {NODE_OPTIONS: [process.env.NODE_OPTIONS, `--conditions=${SOURCE}`].filter(Boolean).join(' ')},
    // Tests that run real processes (CLI, tsx, Claude Code, git): `cto plugins link` alone took 30 s on a loaded CI run.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only fight over them (many tests start processes of their own).
    maxWorkers: 2,
  },
})
