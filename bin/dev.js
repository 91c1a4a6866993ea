#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build): `./bin/dev.js models list`.
const {Command, execute} = await import('@oclif/core')
const {installJsonErrorRendering} = await import('../src/core/cli/oclif-json-errors.ts')
installJsonErrorRendering(Command)
await execute({development: true, dir: import.meta.url})
