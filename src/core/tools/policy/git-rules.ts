/**
 * The git rule: no config that makes git run commands or read config chosen here (`-c
 * core.hooksPath=…`, `git config alias.x '!…'`), no change of the commit identity, no force push.
 *
 * `--author` is refused only where it sets who a commit is from (`git commit --author`); on
 * `git log`, `shortlog` or `rev-list` it is a filter, and `git log --author=alice` runs.
 * Commands git runs for us (`rebase -x`, `bisect run`, `submodule foreach`, `filter-branch`'s
 * filters) are checked as the commands they are.
 */
import type {CommandCall, CommandRule, Walker} from './command-rules.js'
import {dangerousGitConfigKey, forcePushOptions} from './command-names.js'
import {splitOptions} from './file-rules.js'
import {displayWord, DYN, type ShWord} from './shell-words.js'

/** The subcommand whose `--author` / `--reset-author` set who a commit is from. */
const committing = new Set(['commit'])

/** Subcommands whose `-m` / `--message` is text. */
const withMessage = new Set(['commit', 'merge', 'tag', 'stash', 'notes', 'revert', 'commit-tree'])

function checkConfigKey(key: string, dynamic: boolean, w: Walker): void {
  if (dynamic) w.block('git-config-exec', 'a git config key built at run time cannot be checked.')
  if (/^user\.(name|email)$|^(author|committer)\./i.test(key)) {
    w.block('git-identity', "commits made through the tools are signed with the model's identity; it cannot be changed.")
  }
  if (dangerousGitConfigKey.test(key)) {
    w.block('git-config-exec', `setting git's ${key} makes git run commands or read config chosen here; it is not allowed.`)
  }
}

function checkPush(args: ShWord[], w: Walker): void {
  let positional = false
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!
    const t = a.text
    if (!positional && t === '--') {
      positional = true
      continue
    }
    if (a.dynamic) {
      if (t.startsWith(DYN)) w.block('force-push', `git push ${displayWord(a)}: a refspec built at run time may start with + (a force push); write it literally.`)
      continue
    }
    if (!positional && t.startsWith('--')) {
      const opt = t.slice(2).split('=')[0]!
      if (opt.length >= 2 && forcePushOptions.some((f) => f.startsWith(opt))) {
        w.block('force-push', `git push ${t} rewrites the remote's history; force pushes are never run by the tools.`)
      }
      if (['repo', 'receive-pack', 'exec', 'push-option'].includes(opt) && !t.includes('=')) k++
      if (opt === 'receive-pack' || opt === 'exec') w.block('git-config-exec', `git push --${opt} runs a program chosen here on the remote.`)
      continue
    }
    if (!positional && /^-[A-Za-z]+$/.test(t)) {
      if (t.includes('f')) w.block('force-push', `git push ${t} forces the push (rewrites the remote's history); never run by the tools.`)
      if (t.endsWith('o')) k++
      continue
    }
    if (t.startsWith('+')) w.block('force-push', `git push ${t}: a refspec starting with + forces the push; never run by the tools.`)
  }
}

/** The subcommand's index in `args` (after git's own options), checking those options on the way. */
function subcommandIndex(args: ShWord[], w: Walker | undefined): number {
  let i = 0
  while (i < args.length) {
    const a = args[i]!
    const t = a.text
    if (a.dynamic) break
    if (t === '-c' || t === '--config-env') {
      const kv = args[i + 1]
      if (kv && w) checkConfigKey(kv.text.split('=')[0]!, kv.dynamic, w)
      i += 2
      continue
    }
    if (t === '-C' || t === '--git-dir' || t === '--work-tree' || t === '--namespace' || t === '--exec-path' || t === '--super-prefix' || t === '--list-cmds') {
      if (t === '--exec-path' && w) w.block('git-config-exec', 'git --exec-path chooses where git runs its programs from.')
      i += 2
      continue
    }
    if (t.startsWith('--exec-path=') && w) w.block('git-config-exec', 'git --exec-path chooses where git runs its programs from.')
    if (t.startsWith('-')) {
      i++
      continue
    }
    break
  }
  return i
}

/** Subcommands that run a command given here: `rebase -x`, `bisect run`, `submodule foreach`, `filter-branch --*-filter`. */
function checkRunsCommands(sub: string, rest: ShWord[], w: Walker): void {
  if (sub === 'bisect' && rest[0]?.text === 'run' && rest.length > 1) return w.checkArgv(rest.slice(1), {kind: 'none'}, true)
  if (sub === 'submodule' && rest.some((a) => a.text === 'foreach')) {
    const k = rest.findIndex((a) => a.text === 'foreach')
    const after = rest.slice(k + 1).filter((a) => a.text !== '--recursive')
    if (after.length > 0) w.checkJoinedCode(after, 'git submodule foreach')
    return
  }
  for (let k = 0; k < rest.length; k++) {
    const t = rest[k]!.text
    const eq = t.indexOf('=')
    const opt = eq >= 0 ? t.slice(0, eq) : t
    const takesCode = (sub === 'rebase' && (opt === '--exec' || opt === '-x')) || (sub === 'filter-branch' && /^--[a-z-]+-filter$/.test(opt))
    if (!takesCode) continue
    w.checkCodeString(eq >= 0 ? {...rest[k]!, text: t.slice(eq + 1)} : rest[++k], `git ${sub} ${opt}`)
  }
}

export const gitRule: CommandRule = {
  id: 'git',
  applies: ({name}) => name === 'git',
  decide({args}: CommandCall, w) {
    const i = subcommandIndex(args, w)
    const sub = args[i]
    if (!sub) return
    if (sub.dynamic) w.block('dynamic-command', `the git subcommand ${JSON.stringify(displayWord(sub))} is built at run time; write it literally.`)
    const rest = args.slice(i + 1)
    if (sub.text === 'push') return checkPush(rest, w)
    checkRunsCommands(sub.text, rest, w)
    if (committing.has(sub.text) && rest.some((a) => a.text === '--author' || a.text.startsWith('--author=') || a.text === '--reset-author')) {
      w.block('git-identity', "commits made through the tools are signed with the model's identity; --author is not allowed.")
    }
    if (sub.text === 'config') {
      const {operands} = splitOptions(rest)
      const ops = operands.filter((o) => !['set', 'get', 'unset', 'list', 'edit', 'rename-section', 'remove-section'].includes(o.text))
      if (operands[0]?.text === 'get' || operands[0]?.text === 'list') return
      const key = ops[0]
      if (key && ops.length >= 2) checkConfigKey(key.text, key.dynamic, w)
    }
  },
  textArgs({args}) {
    const i = subcommandIndex(args, undefined)
    const sub = args[i]?.text ?? ''
    const rest = args.slice(i + 1)
    const text: ShWord[] = []
    if (sub === 'grep' || sub === 'log') {
      for (const a of rest) if (/^--(grep|author|committer)=/.test(a.text)) text.push(a)
    }
    if (!withMessage.has(sub)) return text
    for (let k = 0; k < rest.length; k++) {
      const t = rest[k]!.text
      if ((t === '-m' || t === '--message') && rest[k + 1]) text.push(rest[++k]!)
      else if (/^-m.|^--message=/.test(t)) text.push(rest[k]!)
      else if (/^-[a-zA-Z]*m$/.test(t) && rest[k + 1]) text.push(rest[++k]!)
    }
    return text
  },
}
