/** What `cto logs --json` prints, as the logs tests read it. */
export interface LogsJson {
  log: string
  tasks: Array<{id: string; task: string; status: string; model: string | null; cost_usd: number; duration_ms: number | null; answer: string; usage: {input_tokens: number; output_tokens: number}; attempts: Array<{model: string; cancelled?: boolean}>; events: Array<{event: string}>}>
}
