#!/usr/bin/env node
// oclif checks the Node version with semver on every start (~20 ms of it); one comparison does the same.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 20 || (major === 20 && minor < 5)) process.emitWarning(`cto needs Node.js 20.5 or newer; this is ${process.versions.node}.`)
// The bundled copy of @oclif/core the commands share (scripts/bundle.mjs): one file, not ~110.
const {execute, settings} = await import('#oclif-core')
// Plugins run from their built files: no TypeScript transpiling of linked plugins (and so no
// "linked ESM module cannot be auto-transpiled" warning on every command).
settings.enableAutoTranspile = false
await execute({dir: import.meta.url})
// The command is done (errors exit inside execute): a timer or socket a plugin left behind must not
// keep cto running (a provider hook's 100 s timer held every command 100 s). Output to a pipe may
// still be queued: exit once it is written.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))))
process.exit()
