/**
 * Environment variables a command sets (`X=1 cmd`, `export X=1`, `env X=1 cmd`), as an ordered
 * table: the first rule whose `names` match decides. The question is the same for each: does the
 * value make a later program run code the checker cannot read, or sign commits as someone else?
 *
 * Before, every variable in a fixed list was refused, whatever its value, so honest work such as
 * `NODE_OPTIONS=--max-old-space-size=4096 npm run build` and `LD_LIBRARY_PATH=./lib ./app` could
 * not run. Now:
 * - NODE_OPTIONS is refused only for the options that load code or write files (`--require`,
 *   `--import`, `--loader`, `--inspect`, `--redirect-warnings`, …); tuning options pass.
 * - Search paths (LD_LIBRARY_PATH, PERL5LIB) pass when they are literal and name no protected
 *   path: pointing a program built in the workspace at its own libraries is what running that
 *   program does anyway. LD_PRELOAD and LD_AUDIT stay refused: they inject a library into every
 *   program the command starts, including the ones this checker read as harmless.
 * - Variables holding a command (GIT_EDITOR, GIT_PAGER, EDITOR, …) are checked as the shell code
 *   they are, so `GIT_EDITOR=true git rebase --continue` passes and `GIT_EDITOR='rm -rf ~'` does not.
 */
import type {Walker} from './command-rules.js'
import {displayWord, type ShWord} from './shell-words.js'

export interface EnvRule {
  id: string
  names: RegExp
  /** `value` is undefined for `export NAME` (the value comes from outside). */
  decide(name: string, value: ShWord | undefined, w: Walker): void
}

const refuse = (w: Walker, name: string, why: string): never => w.block('dangerous-env', `setting ${name} ${why}; it is not allowed.`)

/** NODE_OPTIONS that neither load code nor write files nor open a debugger. */
const safeNodeOptions =
  /^--(max-old-space-size|max-semi-space-size|stack-size|max-http-header-size|unhandled-rejections|dns-result-order|input-type|conditions|title|heapsnapshot-near-heap-limit|secure-heap|secure-heap-min|disable-warning|experimental-default-type)=[^\s"'$`]*$|^--(no-warnings|no-deprecation|trace-warnings|trace-deprecation|throw-deprecation|pending-deprecation|trace-uncaught|trace-exit|enable-source-maps|experimental-vm-modules|experimental-strip-types|experimental-transform-types|experimental-detect-module|experimental-require-module|experimental-wasm-modules|experimental-json-modules|experimental-global-webcrypto|experimental-fetch|no-experimental-fetch|no-experimental-global-navigator|no-experimental-websocket|preserve-symlinks|preserve-symlinks-main|use-openssl-ca|use-bundled-ca|openssl-legacy-provider|no-addons|disable-proto=\w+|frozen-intrinsics|jitless|abort-on-uncaught-exception|expose-gc|force-fips|zero-fill-buffers|no-global-search-paths|tls-min-v1\.[0-3]|tls-max-v1\.[23])$|^-C$/

export const envRules: readonly EnvRule[] = [
  {
    id: 'git-identity',
    names: /^GIT_(AUTHOR|COMMITTER)_(NAME|EMAIL)$/,
    decide: (name, _v, w) => refuse(w, name, "changes who commits appear to come from; commits made through the tools carry the model's identity"),
  },
  {
    id: 'node-options',
    names: /^NODE_OPTIONS$/,
    decide(name, value, w) {
      if (!value) return
      if (value.dynamic) refuse(w, name, 'to a value built at run time may make node load code chosen then')
      const words = value.text.split(/\s+/).filter((x) => x.length > 0)
      for (let i = 0; i < words.length; i++) {
        const o = words[i]!
        if (o === '-C' && words[i + 1]) {
          i++
          continue
        }
        if (!safeNodeOptions.test(o)) {
          refuse(w, name, `with ${o} makes node load code, write files or open a debugger (only tuning options such as --max-old-space-size are allowed)`)
        }
      }
    },
  },
  {
    id: 'library-path',
    names: /^(LD_LIBRARY_PATH|PERL5LIB)$/,
    decide(name, value, w) {
      if (!value) return
      if (value.dynamic) refuse(w, name, 'to a value built at run time makes programs load libraries from a place only known then')
      for (const dir of value.text.split(':')) if (dir !== '') w.checkNamedPath({...value, text: dir})
    },
  },
  {
    id: 'command-variable',
    names: /^(GIT_EDITOR|GIT_SEQUENCE_EDITOR|GIT_PAGER|EDITOR|VISUAL|PAGER|MANPAGER)$/,
    decide(name, value, w) {
      if (!value) return
      w.checkCodeString(value, `${name}=${displayWord(value).slice(0, 60)}`)
    },
  },
  {
    id: 'code-loading',
    names:
      /^(LD_PRELOAD|LD_AUDIT|BASH_ENV|ENV|PROMPT_COMMAND|PS4|SHELLOPTS|BASHOPTS|PERL5OPT|PYTHONSTARTUP|RUBYOPT|GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+|PARAMETERS|GLOBAL|SYSTEM)|GIT_SSH|GIT_SSH_COMMAND|GIT_EXTERNAL_DIFF|GIT_EXEC_PATH|GIT_ASKPASS|GIT_DIR|GIT_TEMPLATE_DIR)$/,
    decide: (name, _v, w) => refuse(w, name, 'makes later programs load or run code chosen here'),
  },
]

/** Decides `NAME=value` with the first matching rule; names no rule knows are harmless. */
export function checkEnv(name: string, value: ShWord | undefined, w: Walker): void {
  envRules.find((r) => r.names.test(name))?.decide(name, value, w)
}
