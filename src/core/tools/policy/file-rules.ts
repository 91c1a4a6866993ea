/**
 * Rules for commands that delete, move, copy or change files: what they touch is checked against
 * the root-like folders (/, the home, the workspace and their parents), the system paths and the
 * protected paths, through the walker (command-policy.ts).
 */
import {resolve} from 'node:path'

import type {CommandRule, Walker} from './command-rules.js'
import {copiers, deleters, modifiers} from './command-names.js'
import {isHarmlessDevice} from './protected-paths.js'
import {displayWord, dynamicWord, GLOB_STAR, literalWord, type ShWord} from './shell-words.js'

/** Options and operands, as most commands read them (`--` ends the options). */
export function splitOptions(args: ShWord[]): {options: ShWord[]; operands: ShWord[]} {
  const options: ShWord[] = []
  const operands: ShWord[] = []
  let done = false
  for (const a of args) {
    if (!done && a.text === '--') done = true
    else if (!done && !a.dynamic && a.text.startsWith('-') && a.text !== '-') options.push(a)
    else operands.push(a)
  }
  return {options, operands}
}

/** Deleters that always remove whole trees. */
const treeDeleters = new Set(['rimraf', 'del', 'trash', 'trash-put', 'gio'])

export const deleteRule: CommandRule = {
  id: 'delete',
  applies: ({name}) => deleters.has(name),
  decide({name, args}, w) {
    const {options, operands} = splitOptions(args)
    const recursive = treeDeleters.has(name) || options.some((o) => o.text === '--recursive' || (/^-[A-Za-z]+$/.test(o.text) && /[rR]/.test(o.text)))
    const what = `${name}${recursive && name === 'rm' ? ' -r' : ''}`
    for (const target of operands) {
      if (name === 'gio' && target === operands[0]) continue
      w.checkDeleteTarget(target, recursive, what)
    }
  },
}

export const moveRule: CommandRule = {
  id: 'move',
  applies: ({name}) => name === 'mv',
  decide({args}, w) {
    const {options, operands} = splitOptions(args)
    const targetDir = options.find((o) => o.text.startsWith('--target-directory=') || o.text === '-t')
    const sources = targetDir ? operands : operands.slice(0, -1)
    const dest = targetDir ? undefined : operands.at(-1)
    for (const s of sources) w.checkDeleteTarget(s, true, 'mv (moving away)')
    if (dest) w.checkWriteTarget(dest, 'mv')
  },
}

export const ddRule: CommandRule = {
  id: 'dd',
  applies: ({name}) => name === 'dd',
  decide({args}, w) {
    for (const a of args) {
      if (!a.text.startsWith('of=')) continue
      const target = {...a, text: a.text.slice(3)}
      if (!target.dynamic && resolve(target.text).startsWith('/dev/') && !isHarmlessDevice(resolve(target.text))) {
        w.block('dd-device', `dd of=${target.text} writes straight to a device (a disk); never allowed.`)
      }
      w.checkWriteTarget(target, 'dd')
    }
  },
}

export const modifyRule: CommandRule = {
  id: 'modify',
  applies: ({name}) => modifiers.has(name),
  decide({name, args}, w) {
    const {options, operands} = splitOptions(args)
    const recursive = options.some((o) => o.text === '--recursive' || /^-[A-Za-z]*R/.test(o.text))
    for (const target of operands) {
      if (!target.dynamic && !target.glob && recursive) {
        for (const p of w.pathsOf(target.text).paths) {
          if (w.isRootLike(p) || w.isSystem(p)) w.block('recursive-root', `${name} -R ${displayWord(target)} would change ${p} and everything in it.`)
        }
      }
      w.checkWriteTarget(target, name)
    }
  },
}

export const copyRule: CommandRule = {
  id: 'copy',
  applies: ({name}) => copiers.has(name),
  decide({name, args}, w) {
    const {options, operands} = splitOptions(args)
    const t = options.findIndex((o) => o.text === '-t' || o.text === '--target-directory')
    const attached = options.find((o) => o.text.startsWith('--target-directory='))
    let dest: ShWord | undefined
    if (attached) dest = {...attached, text: attached.text.slice('--target-directory='.length)}
    else if (t >= 0) dest = operands.shift()
    else dest = operands.at(-1)
    if (!dest) return
    w.checkWriteTarget(dest, name)
    // A recursive copy reads whole trees: `cp -r ~ /tmp/x` carries ~/.ssh along.
    const recursive = name === 'rsync' ? options.some((o) => /^-[A-Za-z]*[ra]/.test(o.text) || o.text === '--recursive' || o.text === '--archive') : options.some((o) => /^-[A-Za-z]*[rRa]/.test(o.text) || o.text === '--recursive' || o.text === '--archive')
    if (recursive) for (const source of operands.filter((o) => o !== dest)) w.checkRecursiveRead(source, `${name} -r`)
    if (name === 'rsync' && options.some((o) => o.text.startsWith('--delete') || o.text.startsWith('--remove-source-files'))) {
      w.checkDeleteTarget(dest, true, 'rsync --delete')
    }
  },
}

/** find with more starting folders than this and an -exec is refused: each pair would be checked. */
const MAX_FIND_ROOTS = 256

export const findRule: CommandRule = {
  id: 'find',
  applies: ({name}) => name === 'find',
  decide({args}, w: Walker) {
    let i = 0
    while (i < args.length && /^-[HLP]$|^-O\d$/.test(args[i]!.text)) i++
    if (args[i]?.text === '-D') i += 2
    const roots: ShWord[] = []
    while (i < args.length && !/^[-(!]/.test(args[i]!.text)) roots.push(args[i++]!)
    if (roots.length === 0) roots.push(literalWord('.'))
    const expr = args.slice(i)
    for (let k = 0; k < expr.length; k++) {
      const t = expr[k]!.text
      if (t === '-delete') {
        for (const r of roots) {
          if (r.dynamic) w.block('unresolved-delete', 'find -delete under a folder only known at run time cannot be checked.')
          for (const dir of w.resolveAll(r.text)) {
            if (dir === null) w.block('unresolved-delete', 'find -delete after a dynamic cd cannot be checked.')
            w.checkContainerDelete(dir, false, `find ${displayWord(r)} -delete`)
          }
        }
      } else if (['-exec', '-execdir', '-ok', '-okdir'].includes(t)) {
        let end = k + 1
        while (end < expr.length && expr[end]!.text !== ';' && expr[end]!.text !== '+') end++
        const sub = expr.slice(k + 1, end)
        k = end
        if (sub.length === 0) continue
        if (roots.length > MAX_FIND_ROOTS) w.block('too-complex', `find with more than ${MAX_FIND_ROOTS} starting folders and ${t} is not checked; split it.`)
        for (const r of roots) {
          const inside: ShWord = r.dynamic ? dynamicWord : {text: `${r.text.replace(/\/+$/, '') || '/'}/${GLOB_STAR}`, dynamic: false, splittable: false, glob: true, filtered: true}
          const argv = sub.map((x) => (x.text.includes('{}') ? inside : x))
          w.checkArgv(argv, {kind: 'none'}, true)
        }
      } else if (['-fprint', '-fprint0', '-fprintf', '-fls'].includes(t) && expr[k + 1]) {
        w.checkWriteTarget(expr[k + 1]!, `find ${t}`)
      }
    }
  },
}

/** The files `tar c…` or `zip -r` read (whole trees): not the archive it writes, not option values. */
export function archivedFiles(name: string, args: ShWord[]): ShWord[] {
  const files: ShWord[] = []
  for (let i = name === 'zip' ? 0 : 1; i < args.length; i++) {
    const t = args[i]!.text
    if (/^-[A-Za-z]*[fCT]$/.test(t) || /^--(file|directory|files-from|exclude)$/.test(t) || (name === 'zip' && /^-[A-Za-z]*[bnxit]$/.test(t))) i++
    else if (!t.startsWith('-')) files.push(args[i]!)
  }
  if (name === 'zip') return files.slice(1)
  const archiveFirst = /f/.test(args[0]?.text ?? '') && !args.slice(1).some((a) => /^-[A-Za-z]*f$|^--file/.test(a.text))
  return archiveFirst ? files.slice(1) : files
}

/** `zip -r` reads whole trees. */
export const zipRule: CommandRule = {
  id: 'zip',
  applies: ({name, args}) => name === 'zip' && args.some((a) => /^-[A-Za-z]*r/.test(a.text)),
  decide({name, args}, w) {
    for (const f of archivedFiles(name, args)) w.checkRecursiveRead(f, `${name} -r`)
  },
}
