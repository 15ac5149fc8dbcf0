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

export interface GtkMenuItem extends GtkWidget {
  setLabel(label: string): void;
  getLabel(): string;
}

export interface GtkMenu extends GtkContainer {
  append(item: GtkWidget): void;
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
  main(): void;
  mainQuit(): void;
  Menu: WidgetConstructor<GtkMenu>;
  MenuItem: WidgetConstructor<GtkMenuItem>;
  SeparatorMenuItem: WidgetConstructor<GtkWidget>;
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

export interface AppIndicator {
  setTitle(title: string): void;
  setStatus(status: number): void;
  setIcon(iconName: string): void;
  setIconFull(iconName: string, description: string): void;
  setMenu(menu: GtkMenu): void;
}

export interface AppIndicatorModule {
  Indicator: { new: (id: string, iconName: string, category: number) => AppIndicator };
  IndicatorCategory: { APPLICATION_STATUS: number };
  IndicatorStatus: { ACTIVE: number; PASSIVE: number };
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

interface NodeGtk {
  require(namespace: 'Gtk', version: '3.0'): GtkModule;
  require(namespace: 'cairo'): CairoModule;
  require(namespace: 'Gio', version: '2.0'): GioModule;
  require(namespace: 'AyatanaAppIndicator3', version: '0.1'): AppIndicatorModule;
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

/** GTK 3 and GIO; throws a one-line error when node-gtk or the GTK typelibs are missing. */
export function loadGtk(): { Gtk: GtkModule; Gio: GioModule } {
  const gi = nodeGtk();
  return { Gtk: gi.require('Gtk', '3.0'), Gio: gi.require('Gio', '2.0') };
}

/** Cairo, for drawing a widget tree offscreen (the e2e test's screenshot of the details window). */
export function loadCairo(): CairoModule {
  return nodeGtk().require('cairo');
}

export function loadAppIndicator(): AppIndicatorModule {
  return nodeGtk().require('AyatanaAppIndicator3', '0.1');
}

/** libnotify is optional at run time: null when its typelib is not installed. */
export function loadNotify(): NotifyModule | null {
  try {
    return nodeGtk().require('Notify', '0.7');
  } catch {
    return null;
  }
}
