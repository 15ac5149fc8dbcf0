import { Global, Logger, Module } from '@nestjs/common';

import { EVENT_BUS, LocalEventBus } from './event-bus';
import { EventsGateway } from './events.gateway';
import { EventsService } from './events.service';

const logger = new Logger('EventBus');

/**
 * Events: the bus (local now; PostgreSQL LISTEN/NOTIFY later, behind the same EVENT_BUS token), the
 * service publishers call, and the WS /api/events gateway. Its authenticator is a seam: a @Global() module
 * exporting a provider for the EventsAuthenticator class replaces the default, which lets everyone in.
 */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_BUS,
      useFactory: () =>
        new LocalEventBus((error) => logger.error({ msg: 'event listener failed', err: error })),
    },
    EventsService,
    EventsGateway,
  ],
  exports: [EventsService, EventsGateway, EVENT_BUS],
})
export class EventsModule {}
