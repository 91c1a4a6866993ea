/**
 * Keys never appear in errors or logs. `redact` replaces the given secrets and anything that looks
 * like a key (provider key prefixes, bearer tokens, `key=...` pairs, long opaque tokens) with a mask.
 */
const MASK = '[REDACTED]'

const patterns: RegExp[] = [
  // Provider keys: sk-..., sk-ant-..., sk-proj-..., pk-..., rk-..., Google AIza..., GitHub ghp_/gho_/github_pat_, Slack xox?-.
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{16,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  // Authorization headers and key-like assignments: keep the name, hide the value.
  /\b((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b((?:api[_-]?key|x-api-key|access[_-]?token|secret|password|token|authorization)["']?\s*[:=]\s*["']?)[^\s"',;}]{6,}/gi,
  // JWTs.
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  // Any long opaque token (32+ characters of key alphabet with at least one digit and one letter).
  // UUIDs (task ids) are identifiers, not secrets: left alone.
  /\b(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}\b/g,
]

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Returns `text` with every known secret and every key-shaped token masked. Secrets shorter than 6
 * characters are ignored (masking them would garble ordinary words).
 */
export function redact(text: string, secrets: Array<string | undefined> = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 6) out = out.replace(new RegExp(escapeRegExp(secret), 'g'), MASK)
  }
  for (const pattern of patterns) {
    // Patterns with a capture group keep it (the header or field name); the rest is masked.
    out = out.replace(pattern, (_match: string, prefix?: unknown) => (typeof prefix === 'string' ? `${prefix}${MASK}` : MASK))
  }
  return out
}
