/**
 * Runs the real Claude Code CLI (devDependency, node_modules/.bin/claude) against the Anthropic
 * stand-in: temp HOME, test key, no nonessential traffic. `hookCommand` points at the test hook that
 * blocks paths containing "forbidden" until `cto tools hook` is used instead.
 */
import {existsSync} from 'node:fs'
import {mkdtemp} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

export const REAL_CLAUDE_BIN = resolve(here, '../../node_modules/.bin/claude')
export const realClaudeAvailable = existsSync(REAL_CLAUDE_BIN)

/** Shell command for the PreToolUse hook that blocks anything mentioning "forbidden". */
export const FORBIDDEN_HOOK_COMMAND = `"${process.execPath}" "${join(here, 'forbidden-hook.mjs')}"`

/** Shell command for a PreToolUse hook applying the real tool policy (src/core/tools) via tsx. */
export const POLICY_HOOK_COMMAND = `"${process.execPath}" --import "${pathToFileURL(resolve(here, '../../node_modules/tsx/dist/loader.mjs')).href}" "${join(here, 'policy-hook.ts')}"`

export const TEST_ANTHROPIC_KEY = 'sk-ant-test-00000000000000000000'

/** Environment for a real Claude Code child: a fresh temp HOME and nothing from the user's. */
export async function claudeTestEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(join(tmpdir(), 'cto-claude-home-'))
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CTO_CLAUDE_BIN: REAL_CLAUDE_BIN,
    ...extra,
  }
}
