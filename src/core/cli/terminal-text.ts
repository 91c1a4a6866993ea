/**
 * Text a model wrote, made safe to print on a terminal. A model's answer, the commands it sends and
 * a reviewer's feedback are printed as they come; raw control characters in them would be obeyed by
 * the user's terminal: an escape sequence can write the clipboard (OSC 52: a `curl … | sh` waiting
 * to be pasted), move the cursor and overwrite cto's own lines ("✔ approved" over a refusal), hide
 * text or make links that say one address and open another. Every control character but line feed
 * and tab is shown as its visible picture (ESC as ␛), a carriage return is dropped; `--json`
 * output is JSON, escaped already, and never goes through here.
 */
// C0 controls but \t and \n, DEL, and the C1 controls (U+0080–U+009F: a lone U+009B is a CSI on some terminals).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

export function terminalText(text: string): string {
  if (!CONTROL.test(text)) return text
  CONTROL.lastIndex = 0
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0)
    if (c === '\r') return ''
    if (code < 0x20) return String.fromCharCode(0x2400 + code)
    if (code === 0x7f) return '\u2421'
    return `\\u${code.toString(16).padStart(4, '0')}`
  })
}
