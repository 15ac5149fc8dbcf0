import type { ServerEvent } from './events.service';

export type EventListener = (event: ServerEvent) => void;

/**
 * How an event reaches every subscriber of every server instance. The local bus serves one instance
 * (SQLite, or a single PostgreSQL-backed instance); a PostgreSQL LISTEN/NOTIFY bus will implement the same
 * two methods — publish sends NOTIFY, and the LISTEN connection calls the local listeners — so neither the
 * publishers nor the WebSocket gateway change when several instances share one database.
 */
export interface EventBus {
  publish(event: ServerEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
}

/** Injection token of the {@link EventBus}. */
export const EVENT_BUS = Symbol('EVENT_BUS');

/** In-process delivery: synchronous, in subscription order; one failing listener does not starve the rest. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  publish(event: ServerEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const entry: EventListener = (event) => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }
}
