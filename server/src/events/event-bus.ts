import type { BusMessage } from './events.service';

export type EventListener = (message: BusMessage) => void;

/**
 * How an event reaches every subscriber of every server instance. The local bus serves one instance
 * (SQLite, or a single PostgreSQL-backed instance); a PostgreSQL LISTEN/NOTIFY bus will implement the same
 * two methods — publish sends NOTIFY, and the LISTEN connection calls the local listeners — so neither the
 * publishers nor the WebSocket gateway change when several instances share one database.
 */
export interface EventBus {
  publish(message: BusMessage): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
}

/** Injection token of the {@link EventBus}. */
export const EVENT_BUS = Symbol('EVENT_BUS');

/** In-process delivery: synchronous, in subscription order; one failing listener does not starve the rest. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  publish(message: BusMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const entry: EventListener = (message) => listener(message);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }
}
