/**
 * A look at code handed to an interpreter on the command line (`python -c`, `node -e`, `perl -e`,
 * awk programs, heredocs fed to them). It is a heuristic, not an analysis: it refuses code that
 * deletes files, starts processes, evaluates strings or names the protected paths, and lets plain
 * computations and prints through. A determined obfuscation can pass it; the README says so.
 * Every pattern is linear: no two unbounded repetitions that can split the same text, so a
 * 64 KB program is scanned in one pass per pattern.
 */

export interface CodeFinding {
  rule: string
  what: string
}

const patterns: Array<[RegExp, string, string]> = [
  // Deleting files and folders.
  [/\b(rmtree|removedirs|rimraf|rm_rf|rm_r|remove_dir_all|remove_entry_secure)\b/i, 'inline-code-delete', 'deletes a folder tree'],
  [/\b(unlink|rmdir|rm)(Sync)?\s*\(/, 'inline-code-delete', 'deletes files'],
  [/\b(os|fs|promises|shutil|FileUtils|File|Dir|Deno|pathlib|Path)\s*\.\s*(remove|unlink|rmdir|rm|delete|rmSync|unlinkSync|rmdirSync)\b/, 'inline-code-delete', 'deletes files'],
  [/\.(unlink|rmdir|rmtree)\s*\(/, 'inline-code-delete', 'deletes files'],
  [/\bunlink\b|\brmdir\b|\bremove_tree\b/, 'inline-code-delete', 'deletes files'],
  // Starting processes or shells.
  [/\b(subprocess|child_process|popen\w*|pty|commands\.getoutput|Open3|proc_open|shell_exec|passthru|pcntl_exec)\b/i, 'inline-code-exec', 'starts other processes'],
  [/\b(os|Kernel|IO|Process|Bun|Deno)\s*\.\s*(system|popen\w*|exec\w*|spawn\w*|fork\w*|kill\w*|Command|run)\b/, 'inline-code-exec', 'starts other processes'],
  [/\b(system|exec|execSync|execFile|execFileSync|spawn|spawnSync|fork|execv\w*|execl\w*)\b\s*[(\s"'`]/, 'inline-code-exec', 'starts other processes'],
  [/\bqx\s*[{([/|'"]|%x\s*[{([]/, 'inline-code-exec', 'starts other processes'],
  [/\bfork\b/, 'fork-bomb', 'forks processes'],
  // Evaluating strings: what they run cannot be read here.
  [/\b(eval|__import__|importlib)\b|\b(getattr|Function|globals|runInThisContext|runInNewContext|instance_eval|class_eval|create_function|load_source)\s*\(/, 'inline-code-eval', 'evaluates code built at run time'],
  [/\bprocess\s*\.\s*(binding|dlopen|_linkedBinding)\b|\bctypes\b|\bffi\b/i, 'inline-code-eval', 'loads native code'],
  // Naming the paths the tools never touch.
  // As paths: `~/credentials/`, `.ssh`; a variable called `credentials` in the code is no path.
  [/(^|[^\w])\.(ssh|aws|gnupg|netrc|git-credentials)\b|[/\\~]credentials\b|\bcredentials[/\\]|agents[\\/][^\\/\n]*[\\/]config\.json|\.config[\\/]cto\b/i, 'names-protected-path', 'names a protected path (keys, credentials)'],
  [/\.(bashrc|bash_profile|zshrc|zshenv|profile)\b|\/etc\/|\/dev\/(sd|nvme|hd|vd|xvd|mmcblk|disk|mapper)/, 'inline-code-system', 'touches start-up files, /etc or disks'],
]

/** Backquotes run a shell in perl, ruby and php (in JavaScript they are template strings). */
const backquoteShells = /^(perl|ruby|php|irb)/

export function scanInlineCode(code: string, interpreter: string): CodeFinding | undefined {
  for (const [re, rule, what] of patterns) {
    if (re.test(code)) return {rule, what}
  }
  if (backquoteShells.test(interpreter) && code.includes('`')) return {rule: 'inline-code-exec', what: 'runs a shell through backquotes'}
  return undefined
}
