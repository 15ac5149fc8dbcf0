// node-gtk ships no TypeScript types: these are the few GObject-introspection members the tray uses,
// typed by hand (node-gtk maps C names to camelCase: gtk_init_check -> Gtk.initCheck). node-gtk is an
// optional dependency, so it is loaded only when the tray starts.

export interface GtkWidget {
  show(): void;
  showAll(): void;
  hide(): void;
  destroy(): void;
  setSensitive(sensitive: boolean): void;
  on(signal: string, handler: (...args: never[]) => unknown): void;
  getMapped(): boolean;
  getAllocatedWidth(): number;
  getAllocatedHeight(): number;
  /** Null until the widget is realized. */
  getFrameClock(): GdkFrameClock | null;
  queueDraw(): void;
  /** Paints the widget and its children onto any cairo context, e.g. an offscreen image surface. */
  draw(context: CairoContext): void;
}

export interface GtkContainer extends GtkWidget {
  add(child: GtkWidget): void;
  getChildren(): GtkWidget[];
}

export interface GtkLabel extends GtkWidget {
  setText(text: string): void;
  getText(): string;
  setMarkup(markup: string): void;
}

export interface GtkBox extends GtkContainer {
  packStart(child: GtkWidget, expand: boolean, fill: boolean, padding: number): void;
}

export interface GtkGrid extends GtkContainer {
  attach(child: GtkWidget, left: number, top: number, width: number, height: number): void;
}

/** GDK's per-window frame clock: one frame runs its layout, then paint, then 'after-paint'. */
export interface GdkFrameClock {
  once(signal: 'after-paint', handler: () => void): void;
}

export interface GtkWindow extends GtkContainer {
  setDefaultSize(width: number, height: number): void;
  present(): void;
  getTitle(): string | null;
  isVisible(): boolean;
  /** Runs a pending size allocation now, without waiting for the frame clock's layout phase. */
  checkResize(): void;
}

export interface GtkMessageDialog extends GtkWindow {
  addButton(label: string, responseId: number): GtkWidget;
  setDefaultResponse(responseId: number): void;
  response(responseId: number): void;
}

type WidgetConstructor<T> = new (properties?: Record<string, unknown>) => T;

export interface GtkModule {
  initCheck(argv: string[]): [boolean, string[] | null];
  Window: WidgetConstructor<GtkWindow> & { listToplevels(): GtkWindow[] };
  MessageDialog: WidgetConstructor<GtkMessageDialog>;
  Label: WidgetConstructor<GtkLabel>;
  Box: WidgetConstructor<GtkBox>;
  Grid: WidgetConstructor<GtkGrid>;
  ScrolledWindow: WidgetConstructor<GtkContainer>;
  Orientation: { HORIZONTAL: number; VERTICAL: number };
  MessageType: { QUESTION: number };
  ButtonsType: { NONE: number };
  ResponseType: { ACCEPT: number; REJECT: number; DELETE_EVENT: number };
}

export interface NotifyNotification {
  show(): boolean;
}

export interface NotifyModule {
  init(appName: string): boolean;
  Notification: { new: (summary: string, body: string, icon: string) => NotifyNotification };
}

export interface CairoContext {
  readonly __cairoContext: never;
}

export interface CairoImageSurface {
  /** A cairo_status_t: 0 is CAIRO_STATUS_SUCCESS. */
  writeToPng(path: string): number;
  flush(): void;
}

/** node-gtk's own cairo binding (src/modules/cairo), not a typelib. */
export interface CairoModule {
  ImageSurface: new (format: number, width: number, height: number) => CairoImageSurface;
  Context: new (surface: CairoImageSurface) => CairoContext;
  Format: { ARGB32: number };
}

export interface GioModule {
  AppInfo: { launchDefaultForUri(uri: string, context: null): boolean };
}

interface GLibMainLoop {
  run(): void;
  quit(): void;
}

interface GLibModule {
  MainLoop: new (context: null, isRunning: boolean) => GLibMainLoop;
  PRIORITY_DEFAULT: number;
  idleAdd(priority: number, callback: () => boolean): number;
}

interface NodeGtk {
  require(namespace: 'GLib', version: '2.0'): GLibModule;
  require(namespace: 'Gtk', version: '3.0'): GtkModule;
  require(namespace: 'cairo'): CairoModule;
  require(namespace: 'Gio', version: '2.0'): GioModule;
  require(namespace: 'Notify', version: '0.7'): NotifyModule;
}

function nodeGtk(): NodeGtk {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node-gtk') as NodeGtk;
  } catch (error) {
    throw new Error(`node-gtk cannot be loaded (${(error as Error).message.split('\n')[0]})`, {
      cause: error,
    });
  }
}

/** node-gtk's loop integration (lib/loop.js): its start() attaches the GLib source that runs libuv. */
interface NodeGtkLoop {
  start(): void;
}

function startLoopIntegration(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node-gtk/lib/loop.js') as NodeGtkLoop).start();
}

let insideGLibMainLoop = false;

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `body` inside a GLib main loop entered here, on the caller's own stack, and returns how `body`
 * settled once it has; null when node-gtk cannot be loaded (the caller then runs `body` the ordinary way
 * and the tray says that GTK is missing). GTK's windows, GDK's events and libuv (node-gtk runs it from a
 * GLib source) all run inside that loop.
 *
 * Call it from the program's top level, never from a Node callback: a loop entered inside a Node
 * callback blocks that callback's bookkeeping for as long as the tray runs. Inside a timer callback
 * Node's timers stop; inside a setImmediate callback Node's immediate idle handle can stay active, which
 * keeps libuv always ready, so GLib spins (measured: ~23,000 iterations a second) and never reaches its
 * lower-priority sources, GTK's painting among them: the details window was never drawn (docs/tray.md).
 */
export function runInGLibMainLoop<T>(body: () => Promise<T>): Settled<T> | null {
  let GLib: GLibModule;
  try {
    GLib = nodeGtk().require('GLib', '2.0');
  } catch {
    return null;
  }
  startLoopIntegration();
  const loop = new GLib.MainLoop(null, false);
  let outcome: Settled<T> | null = null;
  // Quit from a GLib callback: a quit before run() starts would be forgotten by run().
  const quitSoon = () => GLib.idleAdd(GLib.PRIORITY_DEFAULT, () => (loop.quit(), false));
  insideGLibMainLoop = true;
  try {
    body().then(
      (value) => ((outcome = { ok: true, value }), quitSoon()),
      (error: unknown) => ((outcome = { ok: false, error }), quitSoon()),
    );
    loop.run();
  } finally {
    insideGLibMainLoop = false;
  }
  return outcome ?? { ok: false, error: new Error('the GLib main loop ended before the tray did') };
}

/** Whether runInGLibMainLoop is running (the tray needs its loop). */
export function isInsideGLibMainLoop(): boolean {
  return insideGLibMainLoop;
}

/**
 * GTK 3 and GIO; throws a one-line error when node-gtk or the GTK typelibs are missing.
 *
 * Before GTK can open a display, node-gtk's loop integration is started, so that its GLib source (the
 * one that runs libuv, and JavaScript with it) is attached before GDK's event source. Both have the
 * default priority, and GLib prepares sources of equal priority in the order they were attached. That
 * order matters on Wayland: node-gtk runs pending ticks and promise continuations in its source's
 * *prepare* callback, and GDK's Wayland source, in its own prepare, announces a read of the Wayland
 * socket (wl_display_prepare_read) that only its check callback completes. Any GTK call that waits for
 * the compositor (gtk_window_present asks for an xdg-activation token and dispatches until it arrives)
 * made from JavaScript between the two then waits in wl_display_read_events for that announced read, on
 * the same thread, for ever: the window stays as it was, nothing redraws, and SIGTERM is never handled
 * because libuv never runs again. Attached first, node-gtk's source runs its JavaScript before GDK
 * announces the read. X11 has no such read protocol, which is why only Wayland stalled (docs/tray.md).
 */
export function loadGtk(): { Gtk: GtkModule; Gio: GioModule } {
  const gi = nodeGtk();
  startLoopIntegration();
  return { Gtk: gi.require('Gtk', '3.0'), Gio: gi.require('Gio', '2.0') };
}

/** Cairo, for drawing a widget tree offscreen (the e2e test's screenshot of the details window). */
export function loadCairo(): CairoModule {
  return nodeGtk().require('cairo');
}

/** libnotify is optional at run time: null when its typelib is not installed. */
export function loadNotify(): NotifyModule | null {
  try {
    return nodeGtk().require('Notify', '0.7');
  } catch {
    return null;
  }
}
