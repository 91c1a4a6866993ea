/**
 * Under --json, stdout holds the one JSON document. @oclif/plugin-plugins prints npm's output
 * ("npm warn …", "added 1 package in 250ms") with ux.stdout, so `cto plugins install X --json`
 * put it ahead of the document; while npm runs, what is written to stdout goes to stderr instead.
 * Returns the function that puts stdout back.
 */
export function stdoutToStderr(): () => void {
  const write = process.stdout.write
  process.stdout.write = ((...args: Parameters<typeof process.stderr.write>) => process.stderr.write(...args)) as typeof process.stdout.write
  return () => {
    process.stdout.write = write
  }
}
