// The tray indicator (DESIGN.md §8): a StatusNotifierItem whose icon and tooltip follow the endpoint's
// status, a menu whose items call the backend (status-notifier.ts serves both on D-Bus), and GTK windows
// for the details and the questions. It draws and forwards; every decision lives in the backend (the
// client's core) or in tray-view.ts.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import { DetailsWindow } from './details-window';
import { GioModule, GtkModule, isInsideGLibMainLoop, loadGtk, loadNotify, NotifyModule } from './gi';
import { StatusNotifierIndicator } from './status-notifier';
import { IncomingSyncRequest, TrayBackend, TrayStatus } from './tray-backend';
import {
  detectTrayEnvironment,
  Environment,
  sessionBusAddress,
  TRAY_UNAVAILABLE_EXIT_CODE,
} from './tray-environment';
import {
  actionFailedNotice,
  describePlan,
  incomingSyncNotice,
  MenuAction,
  Notice,
  oneLine,
  operationFinishedNotice,
  TRAY_TITLE,
  trayView,
} from './tray-view';

export interface TrayOptions {
  env?: Environment;
  /** Desktop notifications (the config's `[ui] show_notifications`). */
  notifications?: boolean;
  /** Where diagnostics go; stderr by default. */
  log?: (line: string) => void;
}

/** What runTray hands to a caller that must stop the tray from outside the menu (the e2e fixture). */
export interface TrayHandle {
  quit(): void;
}

/**
 * Runs the tray until Quit (exit code 0). Without a display or a tray host it prints why and returns
 * TRAY_UNAVAILABLE_EXIT_CODE (5) without touching the backend; `pacman-sync tray --headless` checks
 * detectTrayEnvironment() first and runs the daemon instead. It must run inside runInGLibMainLoop,
 * which the program enters at its top level (main.ts), so that GTK's events and painting run.
 */
export async function runTray(
  backend: TrayBackend,
  options: TrayOptions = {},
  onStarted?: (handle: TrayHandle) => void,
): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = options.env ?? process.env;
  const environment = await detectTrayEnvironment(env);
  if (!environment.ok) {
    log(`pacman-sync: cannot show the tray: ${environment.reason}`);
    return TRAY_UNAVAILABLE_EXIT_CODE;
  }
  if (!isInsideGLibMainLoop()) {
    throw new Error('the tray runs only inside runInGLibMainLoop, entered at the top of the program');
  }
  const { Gtk, Gio } = loadGtk();
  const tray = new TrayApp(Gtk, Gio, backend, new Notifier(options.notifications ?? true, log), log);
  let resolveExit!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveExit = resolve));
  await tray.start(sessionBusAddress(env)!, resolveExit);
  const onSignal = () => tray.quit();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  onStarted?.({ quit: () => tray.quit() });
  try {
    return await stopped;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

class TrayApp {
  private readonly detailsWindow: DetailsWindow;
  private indicator!: StatusNotifierIndicator;
  private readonly unsubscribe: Array<() => void> = [];
  /** An action the user started and the backend has not finished: its items stay insensitive meanwhile. */
  private pendingAction = false;
  private resolveExit: ((code: number) => void) | null = null;

  constructor(
    private readonly Gtk: GtkModule,
    private readonly Gio: GioModule,
    private readonly backend: TrayBackend,
    private readonly notifier: Notifier,
    private readonly log: (line: string) => void,
  ) {
    this.detailsWindow = new DetailsWindow(Gtk);
  }

  async start(busAddress: string, resolveExit: (code: number) => void): Promise<void> {
    this.indicator = await StatusNotifierIndicator.start(
      busAddress,
      this.view(this.backend.current()),
      (action) => this.activate(action),
      this.log,
    );
    this.resolveExit = resolveExit;
    this.unsubscribe.push(
      this.backend.onChange((status) => this.render(status)),
      this.backend.onOperationFinished((operation) =>
        this.notifier.notify(operationFinishedNotice(operation)),
      ),
      this.backend.onIncomingSync((request) => this.confirmIncomingSync(request)),
    );
    // A change while the item was registering had no listener yet.
    this.render(this.backend.current());
  }

  quit(): void {
    if (!this.resolveExit) return;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    this.indicator.close();
    this.detailsWindow.destroy();
    this.resolveExit(0);
    this.resolveExit = null;
  }

  private view(status: TrayStatus) {
    const view = trayView(status, this.backend.consoleUrl() !== null);
    if (this.pendingAction) view.sensitive.syncNow = view.sensitive.setLatest = view.sensitive.revert = false;
    return view;
  }

  /** The indicator signals only what changed: each change is D-Bus traffic. */
  private render(status: TrayStatus): void {
    this.indicator.update(this.view(status));
  }

  private activate(action: MenuAction): void {
    switch (action) {
      case 'syncNow':
        return this.runAction('Sync', () => this.backend.syncNow());
      case 'setLatest':
        return this.runAction('Set as latest', () => this.backend.setLatest());
      case 'revert':
        return this.runAction('Revert', () => this.backend.revert());
      case 'showDetails':
        return void this.showDetails();
      case 'openConsole':
        return this.openConsole();
      case 'settings':
        return this.openSettings();
      case 'quit':
        return this.quit();
    }
  }

  private runAction(label: string, action: () => Promise<void>): void {
    if (this.pendingAction) return;
    this.pendingAction = true;
    this.render(this.backend.current());
    action()
      .catch((error: unknown) => this.report(label, error))
      .finally(() => {
        this.pendingAction = false;
        if (this.resolveExit) this.render(this.backend.current());
      });
  }

  private async showDetails(): Promise<void> {
    this.detailsWindow.showLoading();
    try {
      const details = await this.backend.details();
      if (this.resolveExit) this.detailsWindow.show(details);
    } catch (error) {
      if (this.resolveExit) this.detailsWindow.showError((error as Error).message ?? String(error));
    }
  }

  private openConsole(): void {
    const url = this.backend.consoleUrl();
    if (!url) return;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this.report('Open console', new Error(`not a URL: ${url}`));
    }
    // The URL comes from config; only a web address may go to the desktop's URI launcher.
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return this.report('Open console', new Error(`not a web address: ${url}`));
    }
    this.launch('Open console', parsed.href);
  }

  private openSettings(): void {
    const path = this.backend.configPath();
    if (!existsSync(path)) {
      return this.report(
        'Settings',
        new Error(`${path} does not exist yet; run "pacman-sync register" first`),
      );
    }
    this.launch('Settings', pathToFileURL(path).href);
  }

  /** The desktop's default handler (xdg-open's choice) through GIO: no shell, no child process of ours. */
  private launch(label: string, uri: string): void {
    try {
      this.Gio.AppInfo.launchDefaultForUri(uri, null);
    } catch (error) {
      this.report(label, new Error(`cannot open ${uri}: ${(error as Error).message}`, { cause: error }));
    }
  }

  /** A failed action is logged and shown: the menu has no other place to say it. */
  private report(label: string, error: unknown): void {
    const notice = actionFailedNotice(label, error);
    this.log(`pacman-sync: ${notice.summary}: ${notice.body}`);
    this.notifier.notify(notice);
  }

  private confirmIncomingSync(request: IncomingSyncRequest): Promise<boolean> {
    this.notifier.notify(incomingSyncNotice(request));
    const Gtk = this.Gtk;
    return new Promise<boolean>((resolve) => {
      const dialog = new Gtk.MessageDialog({
        title: 'pacman-sync: sync requested',
        messageType: Gtk.MessageType.QUESTION,
        buttons: Gtk.ButtonsType.NONE,
        text: 'Apply the requested sync to this machine?',
        secondaryText: `${oneLine(request.requestedBy)} asks to sync this machine to the pool's target: ${describePlan(request.plan)}.`,
      });
      dialog.addButton('Not now', Gtk.ResponseType.REJECT);
      dialog.addButton('Apply', Gtk.ResponseType.ACCEPT);
      dialog.setDefaultResponse(Gtk.ResponseType.REJECT);
      dialog.on('response', (responseId: number) => {
        dialog.destroy();
        resolve(responseId === Gtk.ResponseType.ACCEPT);
      });
      dialog.showAll();
      dialog.present();
    });
  }
}

/**
 * libnotify, guarded: with no notification daemon on the bus (a bare session, a test) showing fails,
 * and a tray must not die for a missing popup. The failure is logged once, not per notification.
 */
class Notifier {
  private notify_: NotifyModule | null = null;
  private reportedFailure = false;

  constructor(
    private readonly enabled: boolean,
    private readonly log: (line: string) => void,
  ) {
    if (!enabled) return;
    this.notify_ = loadNotify();
    if (this.notify_ && !this.notify_.init(TRAY_TITLE)) this.notify_ = null;
    if (!this.notify_) log('pacman-sync: desktop notifications are unavailable (libnotify not found)');
  }

  notify(notice: Notice): void {
    if (!this.enabled || !this.notify_) return;
    try {
      this.notify_.Notification.new(notice.summary, notice.body, notice.icon).show();
    } catch (error) {
      if (this.reportedFailure) return;
      this.reportedFailure = true;
      this.log(`pacman-sync: cannot show notifications: ${(error as Error).message}`);
    }
  }
}
