/** Keeps the head and the tail of a stream and counts what was cut in between. */
export class OutputCap {
  private readonly head: Buffer[] = []
  private headSize = 0
  private tail: Buffer = Buffer.alloc(0)
  total = 0

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length
    const headRoom = Math.ceil(this.maxBytes / 2) - this.headSize
    if (headRoom > 0) {
      const h = chunk.subarray(0, headRoom)
      this.head.push(h)
      this.headSize += h.length
      chunk = chunk.subarray(h.length)
    }
    if (chunk.length === 0) return
    const tailMax = Math.floor(this.maxBytes / 2)
    this.tail = Buffer.concat([this.tail, chunk])
    if (this.tail.length > tailMax) this.tail = this.tail.subarray(this.tail.length - tailMax)
  }

  /** Bytes not kept. */
  get cut(): number {
    return Math.max(0, this.total - this.headSize - this.tail.length)
  }

  toString(): string {
    const head = Buffer.concat(this.head).toString('utf8')
    const tail = this.tail.toString('utf8')
    if (this.cut === 0) return head + tail
    return `${head}\n[… ${this.cut} bytes cut (of ${this.total}); the start and the end are kept …]\n${tail}`
  }
}
