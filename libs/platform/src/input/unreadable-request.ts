import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PlatformErrorCode } from '../error-codes';

/**
 * What Node's HTTP parser cannot read never becomes a request: headers (with the request line,
 * so a very long query too) over Node's 16 kB, characters HTTP does not allow in a header (a
 * NUL), a broken chunked body, a client too slow to send its headers. Node would answer with a
 * bare status line; this answers in the API's error shape, with a documented code, and closes the
 * connection, as Node does. (There is no request yet: nothing to route, authenticate or audit.)
 */
export function answerUnreadableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message]: [number, PlatformErrorCode, string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'The request line and headers are over 16 kB (a query string that long, too).']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'The request did not arrive in time.']
        : [400, 'MALFORMED_REQUEST', 'The request is not readable HTTP.'];
  const body = JSON.stringify({ statusCode: status, code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
