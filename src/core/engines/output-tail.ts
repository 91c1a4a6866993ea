/** The end of a command's output as the reviewer sees it: the last `maxLines` lines, at most `maxChars` characters. */
export function outputTail(text: string, maxLines = 20, maxChars = 2000): string {
  const lines = text.replace(/\s+$/, '').split('\n')
  let tail = lines.slice(-maxLines).join('\n')
  if (tail.length > maxChars) tail = tail.slice(-maxChars)
  return tail.length < text.trimEnd().length ? `[…]\n${tail}` : tail
}
