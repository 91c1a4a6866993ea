/**
 * Small pieces shared by the test servers in this folder: reading a JSON body, listening on a free
 * port of 127.0.0.1, and closing a server without waiting for idle keep-alive sockets.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createTcpServer, type AddressInfo, type Socket} from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON body, or the raw text when it was not JSON, or undefined when empty. */
  body: unknown
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export interface Listening {
  server: Server
  port: number
  close(): Promise<void>
}

/** Starts `handler` on 127.0.0.1, on a free port unless `atPort` names one. `close()` also destroys open sockets. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>, atPort = 0): Promise<Listening> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, {'content-type': 'application/json'})
        res.end(JSON.stringify({error: {message: `test server failed: ${String(error)}`, type: 'server_error'}}))
      } else {
        res.destroy()
      }
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(atPort, '127.0.0.1', () => resolve())
  })
  const {port} = server.address() as AddressInfo
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {'content-type': 'application/json', ...headers})
  res.end(JSON.stringify(body))
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A port on 127.0.0.1 where nothing listens (taken, then given back): a connection there is refused. */
export async function closedPort(): Promise<number> {
  const s = createTcpServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const {port} = s.address() as AddressInfo
  await new Promise((resolve) => s.close(resolve))
  return port
}
