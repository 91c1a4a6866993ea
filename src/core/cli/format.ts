/**
 * Number formats for human output. Not toLocaleString: its first call loads ICU data, which cost
 * ~20 ms of `cto task` (CPU profile), more than the routing decision itself.
 */
export function formatInt(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

export function formatTokens(u: {input_tokens: number; output_tokens: number}): string {
  return `${formatInt(u.input_tokens + u.output_tokens)} tokens`
}

export function formatUsd(usd: number): string {
  return usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}
