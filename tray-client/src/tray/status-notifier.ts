// The tray's item on the session bus: a StatusNotifierItem (icon, title, status, tooltip) and its menu
// over com.canonical.dbusmenu, what Waybar, KDE and GNOME's AppIndicator extension show. Both are served
// here with dbus-next rather than by libayatana-appindicator, which has no ToolTip (up to its last
// release, 0.5.94, in which upstream deprecated it). It knows nothing of GTK: it shows a TrayView and
// reports clicks as MenuActions.
import * as dbus from 'dbus-next';

import { MENU_ITEMS, MenuAction, menuLabel, TRAY_TITLE, TrayView } from './tray-view';

const WATCHER_NAME = 'org.kde.StatusNotifierWatcher';
const WATCHER_PATH = '/StatusNotifierWatcher';
export const ITEM_PATH = '/StatusNotifierItem';
export const MENU_PATH = '/MenuBar';

type Properties = Record<string, dbus.Variant>;
/** A dbusmenu layout node: id, properties, children (each a variant of the same). */
type LayoutNode = [number, Properties, dbus.Variant[]];

class StatusNotifierItemInterface extends dbus.interface.Interface {
  view: TrayView | null = null;

  constructor() {
    super('org.kde.StatusNotifierItem');
  }

  get Category(): string {
    return 'ApplicationStatus';
  }
  get Id(): string {
    return TRAY_TITLE;
  }
  get Title(): string {
    return TRAY_TITLE;
  }
  get Status(): string {
    return 'Active';
  }
  get WindowId(): number {
    return 0;
  }
  get IconName(): string {
    return this.view?.icon ?? '';
  }
  get IconThemePath(): string {
    return '';
  }
  get IconPixmap(): unknown[] {
    return [];
  }
  get OverlayIconName(): string {
    return '';
  }
  get OverlayIconPixmap(): unknown[] {
    return [];
  }
  get AttentionIconName(): string {
    return '';
  }
  get AttentionIconPixmap(): unknown[] {
    return [];
  }
  get AttentionMovieName(): string {
    return '';
  }
  /** (icon name, icon pixmaps, title, description): hosts show the title in bold over the description. */
  get ToolTip(): [string, unknown[], string, string] {
    const tooltip = this.view?.tooltip ?? { title: TRAY_TITLE, description: '' };
    return ['', [], tooltip.title, tooltip.description];
  }
  /** Clicking the icon opens the menu: there is no main window to activate. */
  get ItemIsMenu(): boolean {
    return true;
  }
  get Menu(): string {
    return MENU_PATH;
  }

  ContextMenu(_x: number, _y: number): void {}
  Activate(_x: number, _y: number): void {}
  SecondaryActivate(_x: number, _y: number): void {}
  Scroll(_delta: number, _orientation: string): void {}

  NewTitle(): void {}
  NewIcon(): void {}
  NewAttentionIcon(): void {}
  NewOverlayIcon(): void {}
  NewToolTip(): void {}
  NewStatus(status: string): string {
    return status;
  }
}

StatusNotifierItemInterface.configureMembers({
  properties: {
    Category: { signature: 's', access: 'read' },
    Id: { signature: 's', access: 'read' },
    Title: { signature: 's', access: 'read' },
    Status: { signature: 's', access: 'read' },
    WindowId: { signature: 'i', access: 'read' },
    IconName: { signature: 's', access: 'read' },
    IconThemePath: { signature: 's', access: 'read' },
    IconPixmap: { signature: 'a(iiay)', access: 'read' },
    OverlayIconName: { signature: 's', access: 'read' },
    OverlayIconPixmap: { signature: 'a(iiay)', access: 'read' },
    AttentionIconName: { signature: 's', access: 'read' },
    AttentionIconPixmap: { signature: 'a(iiay)', access: 'read' },
    AttentionMovieName: { signature: 's', access: 'read' },
    ToolTip: { signature: '(sa(iiay)ss)', access: 'read' },
    ItemIsMenu: { signature: 'b', access: 'read' },
    Menu: { signature: 'o', access: 'read' },
  },
  methods: {
    ContextMenu: { inSignature: 'ii' },
    Activate: { inSignature: 'ii' },
    SecondaryActivate: { inSignature: 'ii' },
    Scroll: { inSignature: 'is' },
  },
  signals: {
    NewTitle: { signature: '' },
    NewIcon: { signature: '' },
    NewAttentionIcon: { signature: '' },
    NewOverlayIcon: { signature: '' },
    NewToolTip: { signature: '' },
    NewStatus: { signature: 's' },
  },
});

/** One row of the menu: the status line, a separator, or an action. */
interface MenuRow {
  id: number;
  kind: 'status' | 'separator' | 'action';
  action?: MenuAction;
}

/** Ids are stable for the tray's life: the status line is 1, separators and actions follow in order. */
const MENU_ROWS: readonly MenuRow[] = (() => {
  const rows: MenuRow[] = [
    { id: 1, kind: 'status' },
    { id: 2, kind: 'separator' },
  ];
  for (const { action } of MENU_ITEMS) {
    if (action === 'quit') rows.push({ id: rows.length + 1, kind: 'separator' });
    rows.push({ id: rows.length + 1, kind: 'action', action });
  }
  return rows;
})();

const LABELS = new Map(MENU_ITEMS.map(({ action, label }) => [action, label]));

class DBusMenuInterface extends dbus.interface.Interface {
  view: TrayView | null = null;
  revision = 1;
  onClick: (action: MenuAction) => void = () => undefined;

  constructor() {
    super('com.canonical.dbusmenu');
  }

  get Version(): number {
    return 3;
  }
  get TextDirection(): string {
    return 'ltr';
  }
  get Status(): string {
    return 'normal';
  }
  get IconThemePath(): string[] {
    return [];
  }

  GetLayout(parentId: number, _recursionDepth: number, propertyNames: string[]): [number, LayoutNode] {
    if (parentId !== 0) {
      const row = MENU_ROWS.find((candidate) => candidate.id === parentId);
      if (!row) throw new dbus.DBusError('com.canonical.dbusmenu.Error', `no menu item ${parentId}`);
      return [this.revision, [row.id, this.properties(row, propertyNames), []]];
    }
    const children = MENU_ROWS.map(
      (row) => new dbus.Variant('(ia{sv}av)', [row.id, this.properties(row, propertyNames), []]),
    );
    const root = pick({ 'children-display': new dbus.Variant('s', 'submenu') }, propertyNames);
    return [this.revision, [0, root, children]];
  }

  GetGroupProperties(ids: number[], propertyNames: string[]): Array<[number, Properties]> {
    const rows = ids.length ? MENU_ROWS.filter((row) => ids.includes(row.id)) : MENU_ROWS;
    return rows.map((row) => [row.id, this.properties(row, propertyNames)]);
  }

  GetProperty(id: number, name: string): dbus.Variant {
    const row = MENU_ROWS.find((candidate) => candidate.id === id);
    const value = row ? this.properties(row, [name])[name] : undefined;
    if (!value) throw new dbus.DBusError('com.canonical.dbusmenu.Error', `no property ${name} on ${id}`);
    return value;
  }

  Event(id: number, eventId: string, _data: dbus.Variant, _timestamp: number): void {
    if (eventId !== 'clicked') return;
    const row = MENU_ROWS.find((candidate) => candidate.id === id);
    // A panel may send a click for an item it still shows as enabled: the tray decides. The click runs
    // after this call has been answered (Quit closes the connection the answer goes out on).
    const action = row?.action;
    if (action && this.view?.sensitive[action]) setImmediate(() => this.onClick(action));
  }

  EventGroup(events: Array<[number, string, dbus.Variant, number]>): number[] {
    const unknown = events.filter(([id]) => !MENU_ROWS.some((row) => row.id === id)).map(([id]) => id);
    for (const [id, eventId, data, timestamp] of events) this.Event(id, eventId, data, timestamp);
    return unknown;
  }

  AboutToShow(_id: number): boolean {
    return false;
  }

  AboutToShowGroup(ids: number[]): [number[], number[]] {
    return [[], ids.filter((id) => id !== 0 && !MENU_ROWS.some((row) => row.id === id))];
  }

  ItemsPropertiesUpdated(
    updated: Array<[number, Properties]>,
    removed: Array<[number, string[]]>,
  ): [Array<[number, Properties]>, Array<[number, string[]]>] {
    return [updated, removed];
  }

  LayoutUpdated(revision: number, parent: number): [number, number] {
    return [revision, parent];
  }

  ItemActivationRequested(id: number, timestamp: number): [number, number] {
    return [id, timestamp];
  }

  /** dbusmenu leaves out properties at their default (enabled, visible, type standard). */
  private properties(row: MenuRow, names: string[]): Properties {
    const all: Properties = {};
    if (row.kind === 'separator') {
      all.type = new dbus.Variant('s', 'separator');
    } else if (row.kind === 'status') {
      all.label = new dbus.Variant('s', menuLabel(this.view?.statusLine ?? ''));
      all.enabled = new dbus.Variant('b', false);
    } else {
      all.label = new dbus.Variant('s', LABELS.get(row.action!)!);
      if (this.view && !this.view.sensitive[row.action!]) all.enabled = new dbus.Variant('b', false);
    }
    return pick(all, names);
  }
}

/** An empty list asks for every property. */
function pick(properties: Properties, names: string[]): Properties {
  if (!names.length) return properties;
  return Object.fromEntries(Object.entries(properties).filter(([name]) => names.includes(name)));
}

DBusMenuInterface.configureMembers({
  properties: {
    Version: { signature: 'u', access: 'read' },
    TextDirection: { signature: 's', access: 'read' },
    Status: { signature: 's', access: 'read' },
    IconThemePath: { signature: 'as', access: 'read' },
  },
  methods: {
    GetLayout: { inSignature: 'iias', outSignature: 'u(ia{sv}av)' },
    GetGroupProperties: { inSignature: 'aias', outSignature: 'a(ia{sv})' },
    GetProperty: { inSignature: 'is', outSignature: 'v' },
    Event: { inSignature: 'isvu' },
    EventGroup: { inSignature: 'a(isvu)', outSignature: 'ai' },
    AboutToShow: { inSignature: 'i', outSignature: 'b' },
    AboutToShowGroup: { inSignature: 'ai', outSignature: 'aiai' },
  },
  signals: {
    ItemsPropertiesUpdated: { signature: 'a(ia{sv})a(ias)' },
    LayoutUpdated: { signature: 'ui' },
    ItemActivationRequested: { signature: 'iu' },
  },
});

/**
 * The item and its menu on one session-bus connection, registered with the desktop's
 * StatusNotifierWatcher, and registered again whenever a watcher appears (a panel restarting, e.g.
 * `killall waybar; waybar` in a sway config).
 */
export class StatusNotifierIndicator {
  private constructor(
    private readonly bus: dbus.MessageBus,
    private readonly item: StatusNotifierItemInterface,
    private readonly menu: DBusMenuInterface,
  ) {}

  static async start(
    busAddress: string,
    view: TrayView,
    onClick: (action: MenuAction) => void,
    log: (line: string) => void,
  ): Promise<StatusNotifierIndicator> {
    const bus = dbus.sessionBus({ busAddress });
    // Without a listener, a lost connection would be thrown as an uncaught 'error' event.
    bus.on('error', (error: Error) => log(`pacman-sync: session bus: ${error.message}`));
    const item = new StatusNotifierItemInterface();
    const menu = new DBusMenuInterface();
    item.view = menu.view = view;
    menu.onClick = onClick;
    bus.export(ITEM_PATH, item);
    bus.export(MENU_PATH, menu);
    const indicator = new StatusNotifierIndicator(bus, item, menu);
    try {
      const daemon = (await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus')).getInterface(
        'org.freedesktop.DBus',
      );
      daemon.on('NameOwnerChanged', (name: string, _old: string, owner: string) => {
        if (name === WATCHER_NAME && owner) {
          indicator.register().catch((error: Error) => log(`pacman-sync: tray host: ${error.message}`));
        }
      });
      await indicator.register();
    } catch (error) {
      bus.disconnect();
      throw error;
    }
    return indicator;
  }

  /** Shows a new view, signalling only what changed. */
  update(view: TrayView): void {
    const before = this.item.view;
    this.item.view = this.menu.view = view;
    if (before?.icon !== view.icon) this.item.NewIcon();
    if (JSON.stringify(before?.tooltip) !== JSON.stringify(view.tooltip)) this.item.NewToolTip();
    if (
      before?.statusLine !== view.statusLine ||
      JSON.stringify(before?.sensitive) !== JSON.stringify(view.sensitive)
    ) {
      this.menu.LayoutUpdated(++this.menu.revision, 0);
    }
  }

  close(): void {
    // disconnect() only ends our side: a host's call still on its way in (Waybar re-reading the
    // properties) would be answered on the closed stream and throw. We are going away: answer nothing.
    this.bus.addMethodHandler(() => true);
    this.bus.disconnect();
  }

  private async register(): Promise<void> {
    const watcher = (await this.bus.getProxyObject(WATCHER_NAME, WATCHER_PATH)).getInterface(WATCHER_NAME);
    // KDE's form: our unique bus name (dbus-next sets it at connection; its types omit it), the item
    // at the conventional path.
    const { name } = this.bus as dbus.MessageBus & { name: string | null };
    await watcher.RegisterStatusNotifierItem(name);
  }
}
