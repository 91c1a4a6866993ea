/** Building the structured results the engines get back. */
import type {ToolResult} from '../types.js'

export function ok(content: string, data?: Record<string, unknown>): ToolResult {
  return data ? {ok: true, content, data} : {ok: true, content}
}

export function fail(error: string, rule?: string): ToolResult {
  return rule ? {ok: false, error, rule} : {ok: false, error}
}

/** A file-system error as a sentence for the model. */
export function describeFsError(error: unknown, path: string): string {
  const e = error as NodeJS.ErrnoException
  switch (e?.code) {
    case 'ENOENT':
      return `${path} does not exist.`
    case 'EISDIR':
      return `${path} is a folder, not a file.`
    case 'ENOTDIR':
      return `A part of ${path} is not a folder.`
    case 'EACCES':
    case 'EPERM':
      return `Permission denied: ${path}.`
    case 'ELOOP':
      return `${path} is a symbolic link, which this tool does not follow.`
    default:
      return `${path}: ${e?.message ?? String(error)}`
  }
}
