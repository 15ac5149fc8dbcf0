import type { Operation } from '../api/api-types';
import type {
  IncomingSyncConfirmer,
  TrayBackend,
  TrayDetails,
  TrayOperation,
  TrayStatus,
} from '../tray/tray-backend';

/**
 * The listener bookkeeping of every TrayBackend. The real backend and the tray tests' HTTP double both
 * extend it, so what the tray sees of a status change or a finished operation cannot differ between them.
 * Type-only imports: the tray's memory benchmark loads this without the core.
 */
export abstract class TrayBackendBase implements TrayBackend {
  protected status: TrayStatus;
  protected readonly confirmers = new Set<IncomingSyncConfirmer>();
  private readonly statusListeners = new Set<(status: TrayStatus) => void>();
  private readonly finishedListeners = new Set<(operation: TrayOperation) => void>();

  constructor(initial: TrayStatus) {
    this.status = initial;
  }

  abstract syncNow(): Promise<void>;
  abstract setLatest(): Promise<void>;
  abstract revert(): Promise<void>;
  abstract details(): Promise<TrayDetails>;
  abstract consoleUrl(): string | null;
  abstract configPath(): string;

  current(): TrayStatus {
    return this.status;
  }

  onChange(listener: (status: TrayStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onOperationFinished(listener: (operation: TrayOperation) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  onIncomingSync(confirm: IncomingSyncConfirmer): () => void {
    this.confirmers.add(confirm);
    return () => this.confirmers.delete(confirm);
  }

  /** Tells the listeners about a new status; an unchanged one is not announced again. */
  protected publish(next: TrayStatus): void {
    if (JSON.stringify(next) === JSON.stringify(this.status)) return;
    this.status = next;
    for (const listener of this.statusListeners) listener(next);
  }

  protected announceFinished(operation: Operation): void {
    const entry = trayOperation(operation);
    for (const listener of this.finishedListeners) listener(entry);
  }
}

/** An operation as the details window and the notifications show it: the outcome in one line. */
export function trayOperation(operation: Operation): TrayOperation {
  const result = operation.details?.result as { summary?: unknown } | undefined;
  const message =
    operation.error ??
    (typeof result?.summary === 'string' ? result.summary.split('\n')[0] : null) ??
    (operation.status === 'pending' || operation.status === 'in_progress' ? null : operation.status);
  return {
    id: operation.id,
    type: operation.operation_type,
    status: operation.status,
    createdAt: operation.created_at,
    message,
  };
}
