import * as http from 'node:http';

import WebSocket from 'ws';

import { makeState } from '../support/fixtures';
import { api, login, startServerProcess } from './support/server-process';

jest.setTimeout(120_000);

// What a container runtime or systemd does on stop: SIGTERM. The server must finish what it has started,
// tell WebSocket clients to come back later (1012), and exit 0.
describe('SIGTERM', () => {
  it('finishes the in-flight request, closes WebSockets with 1012, stops accepting, and exits 0', async () => {
    const server = await startServerProcess({ DATABASE_TYPE: 'internal' });
    const token = await login(server);
    const created = await api<{ endpoint: { id: string }; token: string }>(`${server.url}/api/endpoints`, {
      method: 'POST',
      token,
      body: { name: 'shutdown', hostname: 'shutdown.lan' },
    });
    expect(created.status).toBe(201);
    const endpoint = { id: created.body.endpoint.id, token: created.body.token };

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

    // A report whose body is only half sent when the signal arrives: certainly in flight.
    const body = Buffer.from(JSON.stringify(makeState(500, { seed: 5 })));
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        `${server.url}/api/endpoints/${endpoint.id}/state`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${endpoint.token}`,
            'content-type': 'application/json',
            'content-length': String(body.length),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: text }));
        },
      );
      request.on('error', reject);
      request.write(body.subarray(0, body.length / 2));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => request.end(body.subarray(body.length / 2)), 300);
      }, 100);
    });

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ changed: true });
    expect(await closed).toBe(1012);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Nothing listens any more.
    await expect(fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
