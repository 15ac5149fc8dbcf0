import { Writable } from 'node:stream';

import { createRootLogger, PinoNestLogger } from './logger';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}

describe('logging', () => {
  it('writes Nest log calls as JSON lines through the one pino instance, with the context', () => {
    const out = capture();
    const nest = new PinoNestLogger(createRootLogger('debug', out.stream));
    nest.log('Nest application successfully started', 'NestApplication');
    nest.warn({ msg: 'auto_sync skipped an endpoint', endpoint_id: 'e1' }, 'SyncService');
    nest.error('boom', 'Error: boom\n    at x (y.ts:1:1)', 'ExceptionsHandler');
    expect(out.lines()).toEqual([
      expect.objectContaining({
        level: 30,
        context: 'NestApplication',
        msg: 'Nest application successfully started',
      }),
      expect.objectContaining({
        level: 40,
        context: 'SyncService',
        msg: 'auto_sync skipped an endpoint',
        endpoint_id: 'e1',
      }),
      expect.objectContaining({
        level: 50,
        context: 'ExceptionsHandler',
        msg: 'boom',
        stack: expect.stringContaining('y.ts'),
      }),
    ]);
    expect(out.lines().every((line) => line.service === 'pacman-sync-server')).toBe(true);
  });

  it('honours the level', () => {
    const out = capture();
    const nest = new PinoNestLogger(createRootLogger('warn', out.stream));
    nest.log('chatty');
    nest.debug('chattier');
    nest.warn('important');
    expect(out.lines().map((line) => line.msg)).toEqual(['important']);
  });
});
