import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void;

/** A real node:http server whose answers a test scripts one request at a time. */
export class HttpTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly script: Handler[] = [];
  private fallback: Handler = (_request, response) => json(response, 500, { error: { code: 'UNSCRIPTED' } });

  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}

  static async start(port = 0): Promise<HttpTestServer> {
    let instance: HttpTestServer | null = null;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const recorded: RecordedRequest = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        instance!.requests.push(recorded);
        (instance!.script.shift() ?? instance!.fallback)(recorded, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    instance = new HttpTestServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return instance;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Answers the next requests in order. */
  answer(...handlers: Handler[]): this {
    this.script.push(...handlers);
    return this;
  }

  otherwise(handler: Handler): this {
    this.fallback = handler;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export const reply =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_request, response) =>
    json(response, status, body, headers);

export const apiError =
  (status: number, code: string, message = `${code} happened`, details: unknown = null): Handler =>
  (_request, response) =>
    json(response, status, { error: { code, message, details, timestamp: new Date().toISOString() } });

/** Serves the files under `root` as a mirror or an archive does: GET and HEAD, 404 for anything absent. */
export const serveDirectory =
  (root: string): Handler =>
  (request, response) => {
    const path = normalize(join(root, decodeURIComponent(new URL(request.url, 'http://x').pathname)));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const body = readFileSync(path);
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
