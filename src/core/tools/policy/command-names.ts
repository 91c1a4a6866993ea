/**
 * What the command policy knows about command names: which run other commands (wrappers), which
 * are shells or interpreters, which delete, write, format disks or stop the machine. The rules
 * that use these lists are in command-rules.ts; environment variables have their own table in
 * env-rules.ts.
 */

export interface WrapperSpec {
  /** Options that take a value (as the next argument, or attached: `-n5`, `--signal=KILL`). */
  takes: string[]
  /** Options without a value. An option in neither list makes the checker assume the worst. */
  flags: string[]
  /** Short options whose value, if any, is attached only (`xargs -i{}`). */
  attachedOnly?: string[]
  /** Positional arguments before the command (timeout's duration, flock's lock file). */
  positionals?: number
  /** Options whose value is shell code (`su -c`, `flock -c`, `npx -c`). */
  code?: string[]
  /** Options that make the remaining arguments shell code (`sudo -s`, `systemd-run --shell`). */
  codeMode?: string[]
  /** Options after which no command follows (`command -v`, `ionice -p`). */
  noCommand?: string[]
  /** Adds arguments to the command it runs (xargs, parallel): they are unknown. */
  appendsArgs?: boolean
  /** Skips NAME=VALUE arguments (env). */
  assignments?: boolean
  /** The remaining arguments are joined and run by a shell (watch). */
  joinsAsCode?: boolean
}

const none: WrapperSpec = {takes: [], flags: []}

export const wrappers: Record<string, WrapperSpec> = {
  env: {
    takes: ['-u', '--unset', '-C', '--chdir', '-a', '--argv0', '--default-signal', '--ignore-signal', '--block-signal'],
    flags: ['-i', '--ignore-environment', '-0', '--null', '-v', '--debug', '-', '--list-signal-handling'],
    code: ['-S', '--split-string'],
    assignments: true,
  },
  nice: {takes: ['-n', '--adjustment'], flags: []},
  nohup: none,
  setsid: {takes: [], flags: ['-c', '--ctty', '-f', '--fork', '-w', '--wait']},
  timeout: {takes: ['-s', '--signal', '-k', '--kill-after'], flags: ['--preserve-status', '--foreground', '-v', '--verbose', '-f'], positionals: 1},
  stdbuf: {takes: ['-i', '-o', '-e', '--input', '--output', '--error'], flags: []},
  ionice: {takes: ['-c', '--class', '-n', '--classdata', '-u', '--uid'], flags: ['-t', '--ignore'], noCommand: ['-p', '--pid', '-P', '--pgid']},
  chrt: {takes: ['-T', '--sched-runtime', '-P', '--sched-period', '-D', '--sched-deadline'], flags: ['-a', '--all-tasks', '-b', '--batch', '-d', '--deadline', '-e', '--ext', '-f', '--fifo', '-i', '--idle', '-o', '--other', '-r', '--rr', '-R', '--reset-on-fork', '-v', '--verbose'], positionals: 1, noCommand: ['-p', '--pid', '-m', '--max']},
  taskset: {takes: [], flags: ['-a', '--all-tasks', '-c', '--cpu-list'], positionals: 1, noCommand: ['-p', '--pid']},
  sudo: {
    takes: ['-u', '--user', '-g', '--group', '-h', '--host', '-p', '--prompt', '-C', '--close-from', '-U', '--other-user', '-r', '--role', '-t', '--type', '-D', '--chdir', '-R', '--chroot', '-T', '--command-timeout'],
    flags: ['-A', '--askpass', '-b', '--background', '-E', '--preserve-env', '-H', '--set-home', '-k', '--reset-timestamp', '-K', '--remove-timestamp', '-n', '--non-interactive', '-P', '--preserve-groups', '-S', '--stdin', '-B', '--bell', '-N', '--no-update'],
    codeMode: ['-s', '--shell', '-i', '--login'],
    noCommand: ['-l', '--list', '-v', '--validate', '-V', '--version', '-e', '--edit'],
  },
  doas: {takes: ['-u', '-C'], flags: ['-n', '-L'], codeMode: ['-s']},
  pkexec: {takes: ['--user'], flags: ['--disable-internal-agent', '--keep-cwd']},
  command: {takes: [], flags: ['-p'], noCommand: ['-v', '-V']},
  builtin: none,
  exec: {takes: ['-a'], flags: ['-c', '-l']},
  time: {takes: ['-f', '--format', '-o', '--output'], flags: ['-a', '--append', '-p', '--portability', '-v', '--verbose', '-q', '--quiet']},
  busybox: none,
  strace: {
    takes: ['-e', '-o', '-p', '-s', '-u', '-E', '-a', '-b', '-I', '-O', '-S', '-X', '-P', '--output', '--attach', '--string-limit', '--user', '--env', '--trace', '--signal', '--status'],
    flags: ['-c', '-C', '-d', '-D', '-f', '-F', '-h', '-i', '-k', '-q', '-r', '-t', '-T', '-v', '-V', '-x', '-y', '-z', '-Z', '-w', '--follow-forks', '--summary-only'],
  },
  ltrace: {takes: ['-e', '-o', '-p', '-s', '-u', '-a', '-A', '-D', '-F', '-l', '-n', '-x'], flags: ['-b', '-c', '-C', '-f', '-i', '-L', '-r', '-S', '-t', '-T', '-w']},
  chroot: {takes: ['--userspec', '--groups'], flags: ['--skip-chdir'], positionals: 1},
  unshare: {takes: ['--propagation', '--setgroups', '-S', '--setuid', '-G', '--setgid', '-R', '--root', '-w', '--wd'], flags: ['-m', '--mount', '-u', '--uts', '-i', '--ipc', '-n', '--net', '-p', '--pid', '-U', '--user', '-C', '--cgroup', '-T', '--time', '-f', '--fork', '-r', '--map-root-user', '-c', '--map-current-user', '--mount-proc', '--kill-child']},
  nsenter: {takes: ['-t', '--target', '-S', '--setuid', '-G', '--setgid'], flags: ['-a', '--all', '-m', '-u', '-i', '-n', '-p', '-U', '-C', '-T', '-r', '-w', '-F', '--no-fork', '--preserve-credentials']},
  numactl: {takes: ['-i', '--interleave', '-N', '--cpunodebind', '-m', '--membind', '-C', '--physcpubind', '-p', '--preferred', '-P'], flags: ['-l', '--localalloc', '-a', '--all', '-s', '--show', '-H', '--hardware']},
  prlimit: {takes: ['-p', '--pid', '-o', '--output'], flags: ['--noheadings', '--raw', '--verbose'], attachedOnly: ['-c', '-d', '-e', '-f', '-i', '-l', '-m', '-n', '-q', '-r', '-s', '-t', '-u', '-v', '-x', '-y']},
  faketime: {takes: [], flags: ['-f', '-m', '--exclude-monotonic'], positionals: 1},
  unbuffer: {takes: [], flags: ['-p']},
  caffeinate: {takes: ['-t', '-w'], flags: ['-d', '-i', '-m', '-s', '-u']},
  catchsegv: none,
  'dbus-launch': {takes: ['--config-file'], flags: ['--sh-syntax', '--csh-syntax', '--auto-syntax', '--exit-with-session', '--exit-with-x11']},
  fakeroot: {takes: ['-l', '--lib', '--faked', '-s', '-i'], flags: ['-u', '--unknown-is-real']},
  'xvfb-run': {takes: ['-n', '--server-num', '-s', '--server-args', '-f', '--auth-file', '-e', '--error-file', '-p', '--xauth-protocol', '-w', '--wait'], flags: ['-a', '--auto-servernum', '-l', '--listen-tcp']},
  torsocks: {takes: ['-u', '-p', '-a', '-P'], flags: ['-i', '-d', '-q']},
  proxychains: {takes: ['-f'], flags: ['-q']},
  proxychains4: {takes: ['-f'], flags: ['-q']},
  cgexec: {takes: ['-g'], flags: ['--sticky']},
  'with-contenv': none,
  valgrind: {takes: [], flags: ['-q', '-v']},
  firejail: {takes: [], flags: []},
  npx: {takes: ['-p', '--package'], flags: ['-y', '--yes', '--no', '-q', '--quiet', '--no-install', '--ignore-existing'], code: ['-c', '--call']},
  bunx: {takes: ['-p', '--package'], flags: ['--bun']},
  pnpx: {takes: [], flags: []},
  xargs: {
    takes: ['-a', '--arg-file', '-d', '--delimiter', '-E', '--eof', '-I', '--replace', '-L', '--max-lines', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars', '--process-slot-var'],
    flags: ['-0', '--null', '-o', '--open-tty', '-p', '--interactive', '-r', '--no-run-if-empty', '-t', '--verbose', '-x', '--exit', '--show-limits'],
    attachedOnly: ['-e', '-i', '-l'],
    appendsArgs: true,
  },
  parallel: {takes: ['-j', '--jobs', '-S', '--sshlogin', '-d', '--delimiter', '-a', '--arg-file', '-n', '--max-args', '-N'], flags: ['-k', '--keep-order', '-q', '--quote', '-X', '-m', '--verbose', '-v', '--dry-run'], appendsArgs: true},
  flock: {
    takes: ['-w', '--timeout', '--wait', '-E', '--conflict-exit-code'],
    flags: ['-s', '--shared', '-x', '-e', '--exclusive', '-u', '--unlock', '-n', '--nb', '--nonblock', '-o', '--close', '-F', '--no-fork', '--verbose'],
    code: ['-c', '--command'],
    positionals: 1,
  },
  su: {takes: ['-s', '--shell', '-g', '--group', '-G', '--supp-group', '-w', '--whitelist-environment'], flags: ['-', '-l', '--login', '-m', '-p', '--preserve-environment', '-P', '--pty', '-f', '--fast'], code: ['-c', '--command', '--session-command'], noCommand: []},
  runuser: {takes: ['-s', '--shell', '-g', '--group', '-G', '--supp-group', '-u', '--user', '-w', '--whitelist-environment'], flags: ['-', '-l', '--login', '-m', '-p', '--preserve-environment', '-P', '--pty', '-f', '--fast'], code: ['-c', '--command', '--session-command']},
  script: {takes: ['-E', '--echo', '-I', '--log-in', '-O', '--log-out', '-B', '--log-io', '-T', '--log-timing', '-m', '--logging-format', '-o', '--output-limit'], flags: ['-a', '--append', '-e', '--return', '-f', '--flush', '-q', '--quiet'], code: ['-c', '--command'], attachedOnly: ['-t']},
  watch: {takes: ['-n', '--interval', '-q', '--equexit'], flags: ['-b', '--beep', '-c', '--color', '-C', '--no-color', '-d', '--differences', '-e', '--errexit', '-g', '--chgexit', '-p', '--precise', '-r', '--no-rerun', '-t', '--no-title', '-w', '--no-wrap'], joinsAsCode: true},
  'systemd-run': {
    takes: ['-p', '--property', '-E', '--setenv', '-u', '--unit', '--description', '--slice', '--uid', '--gid', '--nice', '--working-directory', '-H', '--host', '-M', '--machine', '--on-active', '--on-boot', '--on-calendar', '--on-unit-active', '--timer-property', '--path-property', '--socket-property', '--service-type'],
    flags: ['--user', '--system', '--scope', '-t', '--pty', '-P', '--pipe', '-q', '--quiet', '--wait', '-G', '--collect', '-d', '--same-dir', '--no-block', '-r', '--remain-after-exit', '--no-ask-password'],
    codeMode: ['-S', '--shell'],
  },
  sg: {takes: [], flags: [], joinsAsCode: true, positionals: 1},
}

/** Shells: `-c` runs its argument as code; without a script they read code from stdin. */
export const shells = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'lksh', 'pdksh', 'ash', 'yash', 'posh', 'fish', 'tcsh', 'csh', 'rbash', 'busybox-sh'])
/** Options of shells that take a value. */
export const shellValueOptions = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file', '-D'])
/** Run what they read on stdin later. */
export const stdinShells = new Set(['at', 'batch'])

export const interpreterPattern =
  /^(python[\d.]*|pypy[\d.]*|node|nodejs|deno|bun|perl[\d.]*|ruby[\d.]*|irb|php[\d.]*|lua[\d.]*|luajit|rscript|r|julia|osascript|tclsh[\d.]*|wish|groovy|jshell|awk|gawk|mawk|nawk|jrunscript|jjs)$/

export const deleters = new Set(['rm', 'unlink', 'rmdir', 'shred', 'srm', 'rimraf', 'del', 'trash', 'trash-put', 'gio'])
export const diskTools = /^(mkfs(\..*)?|mke2fs|mkswap|mkdosfs|mkntfs|wipefs|fdisk|sfdisk|cfdisk|sgdisk|gdisk|parted|blkdiscard|mdadm|cryptsetup|lvremove|vgremove|pvremove|zpool|newfs)$/
export const powerTools = new Set(['shutdown', 'reboot', 'halt', 'poweroff', 'telinit', 'kexec', 'killall5'])
export const powerVerbs = new Set(['poweroff', 'reboot', 'halt', 'kexec', 'suspend', 'hibernate', 'hybrid-sleep', 'suspend-then-hibernate', 'emergency', 'rescue', 'isolate', 'default', 'soft-reboot', 'terminate-session', 'kill-session', 'kill-user'])

/** Commands whose (non-option) arguments are files they modify. */
export const modifiers = new Set(['tee', 'touch', 'truncate', 'chmod', 'chown', 'chgrp', 'chattr', 'setfacl', 'mkdir', 'mknod', 'mkfifo'])
/** Commands whose last argument (or -t DIR) is where they write. */
export const copiers = new Set(['cp', 'install', 'ln', 'rsync', 'scp', 'link'])

/** git config keys whose value git later runs, or that redirect where git reads its config. */
export const dangerousGitConfigKey =
  /^(alias\..+|core\.(hookspath|fsmonitor|sshcommand|pager|editor|askpass|gitproxy|worktree)|credential\..*|.*\.helper|include\..*|includeif\..*|filter\..*|diff\.external|diff\..*\.(textconv|command)|merge\..*\.driver|.*\.(command|cmd)|uploadpack\..*|receive\..*|remote\..*\.(push|mirror|receivepack|uploadpack|proxy)|sequence\.editor|core\.sshcommand|ssh\.variant|pager\..*|gpg\.(program|.*\.program)|protocol\..*|http\..*proxy.*|interactive\.difffilter|sendemail\..*)$/i

export const forcePushOptions = ['force', 'force-with-lease', 'force-if-includes', 'mirror']
