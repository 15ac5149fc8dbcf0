import { Global, Logger, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { EVENT_BUS, EventBus, LocalEventBus } from './event-bus';
import { EventsGateway } from './events.gateway';
import { EventsService } from './events.service';
import { PgNotifyEventBus } from './pg-notify-bus';

const logger = new Logger('EventBus');

/**
 * SQLite serves one instance, so events stay in the process. On PostgreSQL several instances may share the
 * database, so events also travel through LISTEN/NOTIFY to every instance's subscribers.
 */
function createEventBus(config: AppConfig, moduleRef: ModuleRef): EventBus {
  if (config.databaseType !== 'postgresql' || config.databaseUrl === null) {
    return new LocalEventBus((error) => logger.error({ msg: 'event listener failed', err: error }));
  }
  return new PgNotifyEventBus({
    connectionString: config.databaseUrl,
    log: (level, message, error) => {
      const entry = error === undefined ? { msg: message } : { msg: message, err: error };
      if (level === 'info') logger.log(entry);
      else logger[level](entry);
    },
    // Other instances' events sent while the connection was down are lost to this instance's clients.
    onReconnect: () => moduleRef.get(EventsGateway, { strict: false }).reconnectClients(),
  });
}

/**
 * Events: the bus behind the EVENT_BUS token, the service publishers call, and the WS /api/events gateway.
 * Its authenticator is a seam: a @Global() module exporting a provider for the EventsAuthenticator class
 * replaces the default, which lets everyone in.
 */
@Global()
@Module({
  providers: [
    { provide: EVENT_BUS, useFactory: createEventBus, inject: [APP_CONFIG, ModuleRef] },
    EventsService,
    EventsGateway,
  ],
  exports: [EventsService, EventsGateway, EVENT_BUS],
})
export class EventsModule {}
