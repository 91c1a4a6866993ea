/**
 * `cto modles`: say it is no command, and which one was probably meant, as git does; where nothing
 * is close but the first word is a topic (`cto keys show`), the commands under it. Our own hook
 * rather than @oclif/plugin-not-found: its v3 (the one for Node 20 and @oclif/core 4) suggests only
 * through a y/n prompt on a terminal, prints no suggestion when piped, exits 127 and can't answer
 * `--json`; and it brings @inquirer/prompts. Exit 64 (a usage error), the same with and without --json.
 */
import type {Hook} from '@oclif/core'
import {suggest} from '../core/cli/did-you-mean.js'
import {renderErrorText, type DescribedError} from '../core/cli/error-document.js'
import {wantsJson} from '../core/cli/oclif-json-errors.js'
import {EXIT} from '../core/exit-codes.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  const {config, id} = opts
  const argv = opts.argv ?? []
  const bin = config.bin
  const spaced = (x: string) => x.replaceAll(':', ' ')
  const visible = config.commands.filter((c) => !c.hidden)
  const commandIds = new Set([...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases)])
  const known = [...commandIds, ...config.topics.filter((t) => !t.hidden).map((t) => t.name)]
  let guess = suggest(id, known)
  // `cto modles list`: the guess is the topic; the next word may finish a command under it.
  if (guess && !commandIds.has(guess) && argv[0] && commandIds.has(`${guess}:${argv[0]}`)) guess = `${guess}:${argv[0]}`
  const typed = [spaced(id), ...(guess?.endsWith(`:${argv[0]}`) ? [argv[0]] : [])].join(' ')
  // `cto keys show`: nothing close, but "keys" is a topic: name what it has.
  // (oclif joins the words that follow a topic into the id: `keys:show:deepseek`.)
  const topicNames = new Set(config.topics.filter((t) => !t.hidden).map((t) => t.name))
  const parts = id.split(':')
  const topic = parts.map((_, i) => parts.slice(0, parts.length - 1 - i).join(':')).find((t) => topicNames.has(t)) ?? ''
  const under = guess || !topic ? [] : [...commandIds].filter((c) => c.startsWith(`${topic}:`) && !c.slice(topic.length + 1).includes(':')).sort()
  const described: DescribedError = {
    document: {
      error: {
        code: 'UNKNOWN_COMMAND',
        message: `"${bin} ${typed}" is not a ${bin} command.${guess ? ` Did you mean "${bin} ${spaced(guess)}"?` : ''}`,
        actions: under.length > 0
          ? [`"${bin} ${spaced(topic)}" has: ${under.map((c) => `${bin} ${spaced(c)}`).join(', ')}.`, `See them with "${bin} ${spaced(topic)} --help".`]
          : [`See every command with "${bin} --help".`],
      },
    },
    exitCode: EXIT.usage,
    unexpected: false,
  }
  if (wantsJson(argv)) process.stdout.write(`${JSON.stringify(described.document, null, 2)}\n`)
  else process.stderr.write(renderErrorText(described))
  process.exitCode = described.exitCode
}

export default hook
