/**
 * The lines of a file from the last to the first, read in chunks from the end: `cto logs -n 3` on a
 * log of years reads only the last few tasks. Linear in what it reads, even for one 10 MB line.
 */
import {open} from 'node:fs/promises'

export async function* linesFromEnd(file: string, chunkBytes = 256 * 1024): AsyncGenerator<string> {
  const handle = await open(file, 'r')
  try {
    let pos = (await handle.stat()).size
    // Pieces of the line being assembled, last piece first.
    let pending: Buffer[] = []
    while (pos > 0) {
      const start = Math.max(0, pos - chunkBytes)
      const chunk = Buffer.alloc(pos - start)
      await handle.read(chunk, 0, chunk.length, start)
      pos = start
      let end = chunk.length
      for (let i = chunk.length - 1; i >= 0; i--) {
        if (chunk[i] !== 0x0a) continue
        const line = Buffer.concat([chunk.subarray(i + 1, end), ...pending.reverse()])
        pending = []
        if (line.length > 0) yield line.toString('utf8')
        end = i
      }
      if (end > 0) pending.push(chunk.subarray(0, end))
    }
    const first = Buffer.concat(pending.reverse())
    if (first.length > 0) yield first.toString('utf8')
  } finally {
    await handle.close()
  }
}
