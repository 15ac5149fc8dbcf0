import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

import { LogLevel } from '../config/config';

/** The one pino instance: Fastify logs requests through it and Nest logs through {@link PinoNestLogger}. */
export function createRootLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'pacman-sync-server' } }, destination);
}

/**
 * pino's error serializer without the values a failed statement was given: TypeORM's QueryFailedError
 * carries them as `parameters`, and they are password hashes, token hashes and whatever a client sent.
 * The statement itself (placeholders only) stays, so the log still says what failed.
 */
export function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const stripped = { ...(serialized as Record<string, unknown>) };
  delete stripped.parameters;
  if (typeof stripped.driverError === 'object' && stripped.driverError !== null) {
    stripped.driverError = serializeError(stripped.driverError);
  }
  return stripped;
}

/** The app's logger (whatever it was given): errors are logged through {@link serializeError}. */
export function withSafeErrors(logger: Logger): Logger {
  return logger.child({}, { serializers: { err: serializeError } });
}

/** Nest's LoggerService over the same pino instance, so there is one structured JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  // Nest passes the context as the last string argument, and a stack before it for errors.
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (level === 'error' && typeof args[0] === 'string' && args[0].includes('\n'))
      fields.stack = args.shift();
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as object) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
