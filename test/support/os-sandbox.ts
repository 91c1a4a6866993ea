/**
 * Whether this machine can run the OS sandbox (bubblewrap, socat, ripgrep, user namespaces), asked
 * the way cto asks. Tests that need it skip with this reason where it is missing; CI installs the
 * packages, so there they run.
 */
import {sandboxAvailability} from '../../src/core/tools/sandbox/os-sandbox.js'

const availability = await sandboxAvailability()

/** undefined when the sandbox works here; else the one-line reason a test prints when it skips. */
export const osSandboxMissing: string | undefined = availability.ok ? undefined : `SKIPPED: ${availability.reason} (apt-get install bubblewrap socat ripgrep)`
export const osSandboxAvailable = availability.ok
