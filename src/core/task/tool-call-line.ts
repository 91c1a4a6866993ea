/**
 * A tool call as one readable line for the progress display: `write_file hello.txt (2 bytes)`,
 * `run_command: ls -la`, `Bash: npm test`, instead of the name twice and a JSON blob
 * (`write_file write_file {"path":…`). Secrets are masked; long lines are cut; control characters
 * are shown, never sent to the terminal (terminal-text.ts).
 */
import {terminalText} from '../cli/terminal-text.js'
import {redact} from '../engines/redact.js'

const MAX = 100

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

function bytes(v: unknown): string {
  const n = typeof v === 'string' ? Buffer.byteLength(v) : 0
  return `${n} byte${n === 1 ? '' : 's'}`
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX ? `${flat.slice(0, MAX - 1)}…` : flat
}

export function toolCallLine(name: string, input: unknown, fallback: string, secrets: Array<string | undefined> = []): string {
  const a = input && typeof input === 'object' ? (input as Record<string, unknown>) : undefined
  let line: string
  if (!a) {
    line = fallback.startsWith(`${name} `) || fallback === name ? fallback : `${name} ${fallback}`
  } else {
    const path = str(a.path) ?? str(a.file_path) ?? str(a.notebook_path)
    const command = str(a.command)
    switch (name) {
      case 'write_file':
      case 'Write':
        line = `${name} ${path ?? '?'} (${bytes(a.content)})`
        break
      case 'edit_file':
      case 'Edit':
      case 'MultiEdit':
      case 'read_file':
      case 'Read':
      case 'NotebookEdit':
        line = `${name} ${path ?? '?'}`
        break
      case 'list_directory':
      case 'LS':
        line = `${name} ${path ?? '.'}`
        break
      case 'run_command':
      case 'Bash':
        line = `${name}: ${command ?? '?'}`
        break
      case 'Glob':
      case 'Grep':
        line = `${name} ${str(a.pattern) ?? ''}${path ? ` in ${path}` : ''}`
        break
      default:
        line = Object.keys(a).length === 0 ? name : `${name} ${JSON.stringify(a)}`
    }
  }
  return oneLine(terminalText(redact(line, secrets)))
}
