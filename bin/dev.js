#!/usr/bin/env -S node --conditions=@cto-cli/source --import tsx
// Runs the TypeScript sources directly, no build: ./bin/dev.js models list. The commands, their
// hooks and the provider plugins load from src/, as the in-process tests run them
// (test/support/run-cli-in-process.ts); the development mode of oclif would fall back to dist/.
// (No quote marks in these comments: the loader that reads this file stumbles on them.)
import {Command, handle, run} from '@oclif/core'
import {installJsonErrorRendering} from '../src/core/cli/oclif-json-errors.ts'
import {loadCtoConfig} from '../test/support/run-cli-in-process.ts'

installJsonErrorRendering(Command)
try {
  await run(process.argv.slice(2), await loadCtoConfig())
} catch (error) {
  await handle(error)
}
