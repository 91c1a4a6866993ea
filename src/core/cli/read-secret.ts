import {InterruptedError} from '../errors.js'

/**
 * Reads a secret: from stdin when it is piped, else from a hidden prompt on the terminal
 * (nothing echoed). The secret is never written anywhere but the caller's file.
 */
export async function readSecret(prompt: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer))
    return Buffer.concat(chunks).toString('utf8').trim()
  }
  // Raw mode before the prompt shows: a key typed the moment it appears is never echoed.
  stdin.setRawMode(true)
  process.stderr.write(prompt)
  stdin.resume()
  stdin.setEncoding('utf8')
  return new Promise((resolve, reject) => {
    let value = ''
    const done = (fn: () => void) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      process.stderr.write('\n')
      fn()
    }
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(value.trim()))
        // Ctrl-C in raw mode arrives as a character, not as SIGINT.
        if (ch === '\u0003') return done(() => reject(new InterruptedError('Cancelled at the prompt: no key was saved.')))
        // Ctrl-D on an empty line: end of input, as a shell reads it.
        if (ch === '\u0004' && value === '') return done(() => reject(new InterruptedError('No key typed (Ctrl-D): nothing was saved.')))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}
