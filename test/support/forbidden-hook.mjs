// A stand-in for `cto tools hook` in tests: reads Claude Code's PreToolUse JSON on stdin, blocks
// (exit 2, reason on stderr) any call whose input mentions "forbidden", allows the rest. Appends
// each payload to $CTO_TEST_HOOK_LOG when set.
import {appendFileSync} from 'node:fs'

let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => (input += chunk))
process.stdin.on('end', () => {
  if (process.env.CTO_TEST_HOOK_LOG) appendFileSync(process.env.CTO_TEST_HOOK_LOG, input.trim() + '\n')
  const payload = JSON.parse(input)
  if (JSON.stringify(payload.tool_input ?? {}).includes('forbidden')) {
    process.stderr.write(`cto policy: ${payload.tool_name} on a forbidden path is not allowed (test hook).`)
    process.exit(2)
  }
  process.exit(0)
})
