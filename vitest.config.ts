import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the CLI many times; `cto plugins link` alone took 30 s on a loaded CI run.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only fight over them (the CLI tests spawn processes of their own).
    maxWorkers: 2,
  },
})
