import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { filter, map, Observable, Subject, takeUntil } from 'rxjs';

import { EVENT_BUS, EventBus } from './event-bus';

export type EventType =
  'endpoint.status' | 'operation.updated' | 'pool.target_changed' | 'repositories.analyzed';

export const EVENT_TYPES: readonly EventType[] = [
  'endpoint.status',
  'operation.updated',
  'pool.target_changed',
  'repositories.analyzed',
];

/** One real-time event as it goes over WS /api/events. */
export interface ServerEvent<T = Record<string, unknown>> {
  type: EventType;
  data: T;
  timestamp: string;
}

/** A principal whose credential a notice names: a console user, an API token or an endpoint (its token). */
export interface CredentialRef {
  kind: 'user' | 'api_token' | 'endpoint';
  id: string;
}

export const CREDENTIAL_CHANGED = 'credential.changed';

/**
 * Travels on the bus beside the events but never reaches a client: a credential was revoked or changed
 * (API token revoked, endpoint token rotated or revoked, user disabled, deleted or given another role), so
 * every instance re-checks the WebSockets opened with it.
 */
export interface CredentialNotice {
  type: typeof CREDENTIAL_CHANGED;
  data: CredentialRef & Record<string, unknown>;
  timestamp: string;
}

/** What the {@link EventBus} carries between instances. */
export type BusMessage = ServerEvent | CredentialNotice;

function isCredentialNotice(message: BusMessage): message is CredentialNotice {
  return message.type === CREDENTIAL_CHANGED;
}

/**
 * Domain services publish here; transports (the WebSocket gateway) subscribe to `events$`. Both go through
 * the {@link EventBus}, so when a LISTEN/NOTIFY bus replaces the local one, every instance's subscribers see
 * every instance's events. Per-role filtering belongs to the subscriber, which knows who is listening.
 */
@Injectable()
export class EventsService implements OnModuleDestroy {
  private readonly destroyed = new Subject<void>();
  /** The events for clients. */
  readonly events$: Observable<ServerEvent>;
  /** Credential notices of every instance, this one's included. */
  readonly credentialChanges$: Observable<CredentialRef>;

  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {
    const messages$ = new Observable<BusMessage>((subscriber) =>
      this.bus.subscribe((message) => subscriber.next(message)),
    ).pipe(takeUntil(this.destroyed));
    this.events$ = messages$.pipe(filter((message) => !isCredentialNotice(message)));
    this.credentialChanges$ = messages$.pipe(
      filter(isCredentialNotice),
      map((notice) => ({ kind: notice.data.kind, id: notice.data.id })),
    );
  }

  publish<T extends Record<string, unknown>>(type: EventType, data: T): void {
    this.bus.publish({ type, data, timestamp: new Date().toISOString() });
  }

  publishCredentialChange(credential: CredentialRef): void {
    this.bus.publish({
      type: CREDENTIAL_CHANGED,
      data: { kind: credential.kind, id: credential.id },
      timestamp: new Date().toISOString(),
    });
  }

  onModuleDestroy(): void {
    this.destroyed.next();
    this.destroyed.complete();
  }
}
