import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import { ErrorCode } from './errors/error-code';

/**
 * An error in the API's one shape written straight onto a socket, for the answers Fastify never routes:
 * malformed HTTP (clientError) and refused WebSocket upgrades. The connection is closed after it.
 */
export function writeRawError(
  socket: Duplex,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Readonly<Record<string, string>>,
): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({
    error: { code, message, details: null, timestamp: new Date().toISOString() },
  });
  const head = Object.entries({
    ...headers,
    connection: 'close',
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n${body}`);
}
