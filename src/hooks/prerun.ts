/**
 * Before any command runs: the commands cto gets from oclif plugins (`help`, `plugins …`,
 * `autocomplete`) answer `--json` errors with cto's small document (oclif-json-errors.ts). They
 * extend the @oclif/core of their package, not the bundled copy cto's own commands share
 * (scripts/bundle.mjs), so the rendering is put on the base class of the command about to run.
 */
import type {Hook} from '@oclif/core'
import {installJsonErrorRendering} from '../core/cli/oclif-json-errors.js'

const hook: Hook<'prerun'> = async function ({Command}) {
  if (typeof Command === 'function') installJsonErrorRendering(baseClass(Command))
}

/** oclif's `Command`: the class at the root of a command's class chain. */
export function baseClass<T extends object>(cls: T): T {
  let base = cls
  for (let up = Object.getPrototypeOf(base); up && up !== Function.prototype; up = Object.getPrototypeOf(base)) base = up
  return base
}

export default hook
