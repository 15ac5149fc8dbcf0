import type { IncomingMessage } from 'node:http';

import { EventsPrincipal, extractEventsToken, offeredSubprotocols, roleCanSee } from './events-authenticator';
import { ServerEvent } from './events.service';

function request(
  url: string,
  headers: IncomingMessage['headers'] = {},
): Pick<IncomingMessage, 'headers' | 'url'> {
  return { url, headers };
}

function event(type: ServerEvent['type'], data: Record<string, unknown>): ServerEvent {
  return { type, data, timestamp: '2026-11-30T21:00:00.000Z' };
}

describe('extractEventsToken', () => {
  it('reads the Authorization header first, then ?access_token=, then a bearer.<token> subprotocol', () => {
    const all = request('/api/events?access_token=from-query', {
      authorization: 'Bearer from-header',
      'sec-websocket-protocol': 'pacman-sync.v1, bearer.from-protocol',
    });
    expect(extractEventsToken(all)).toBe('from-header');
    expect(
      extractEventsToken(
        request('/api/events', { 'sec-websocket-protocol': 'pacman-sync.v1, bearer.from-protocol' }),
      ),
    ).toBe('from-protocol');
    expect(extractEventsToken(request('/api/events?access_token=from-query'))).toBe('from-query');
    expect(extractEventsToken(request('/api/events', { authorization: 'bearer   lower.case ' }))).toBe(
      'lower.case',
    );
  });

  it('finds no token in absent, empty or malformed values', () => {
    expect(extractEventsToken(request('/api/events'))).toBeNull();
    expect(extractEventsToken(request('/api/events?access_token='))).toBeNull();
    expect(extractEventsToken(request('/api/events', { authorization: 'Basic dXNlcjpwYXNz' }))).toBeNull();
    expect(extractEventsToken(request('/api/events', { authorization: 'Bearer' }))).toBeNull();
    expect(extractEventsToken(request('/api/events', { authorization: 'Bearer two tokens' }))).toBeNull();
    expect(extractEventsToken(request('/api/events', { 'sec-websocket-protocol': 'bearer.' }))).toBeNull();
    expect(
      extractEventsToken(request('/api/events', { 'sec-websocket-protocol': 'pacman-sync.v1' })),
    ).toBeNull();
  });

  it('survives a request target that is not a valid URL path', () => {
    expect(extractEventsToken(request('http://[::1/?access_token=t'))).toBeNull();
    expect(extractEventsToken(request('http://[::1/', { authorization: 'Bearer t' }))).toBe('t');
    expect(extractEventsToken({ headers: {}, url: undefined })).toBeNull();
  });

  it('splits offered subprotocols on commas and drops blanks', () => {
    expect(offeredSubprotocols(request('/', { 'sec-websocket-protocol': ' a, ,b ,c' }))).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(offeredSubprotocols(request('/'))).toEqual([]);
  });
});

describe('roleCanSee', () => {
  const everything = [
    event('endpoint.status', { endpoint_id: 'e-1', pool_id: 'p-1' }),
    event('operation.updated', { endpoint_id: 'e-2', pool_id: 'p-2' }),
    event('pool.target_changed', { pool_id: 'p-3' }),
    event('repositories.analyzed', { pool_id: 'p-4' }),
  ];

  it.each(['viewer', 'admin', 'ci'] as const)('lets %s see the whole fleet', (role) => {
    expect(everything.map((candidate) => roleCanSee({ role }, candidate))).toEqual([true, true, true, true]);
  });

  it('shows an endpoint its own status and operations and its own pool’s target and analysis only', () => {
    const principal: EventsPrincipal = { role: 'endpoint', endpoint_id: 'e-1', pool_id: 'p-3' };
    expect(everything.map((candidate) => roleCanSee(principal, candidate))).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(roleCanSee(principal, event('operation.updated', { endpoint_id: 'e-1' }))).toBe(true);
    expect(roleCanSee(principal, event('repositories.analyzed', { pool_id: 'p-3' }))).toBe(true);
  });

  it('shows an endpoint principal without ids nothing', () => {
    const bare: EventsPrincipal = { role: 'endpoint' };
    expect(everything.map((candidate) => roleCanSee(bare, candidate))).toEqual([false, false, false, false]);
    // An event without ids never matches an absent id by accident.
    expect(roleCanSee(bare, event('endpoint.status', {}))).toBe(false);
    expect(
      roleCanSee({ role: 'endpoint', pool_id: null }, event('pool.target_changed', { pool_id: null })),
    ).toBe(false);
  });
});
