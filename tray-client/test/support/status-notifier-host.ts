// A real StatusNotifier host for tests: owns org.kde.StatusNotifierWatcher on the session bus (as a
// desktop panel does), so the tray registers its item with us, and then reads the
// item's properties and dbusmenu and clicks menu items over D-Bus exactly as a panel would.
import * as dbus from 'dbus-next';

const WATCHER_NAME = 'org.kde.StatusNotifierWatcher';
const WATCHER_PATH = '/StatusNotifierWatcher';
const ITEM_INTERFACE = 'org.kde.StatusNotifierItem';
const MENU_INTERFACE = 'com.canonical.dbusmenu';

class StatusNotifierWatcher extends dbus.interface.Interface {
  readonly items: string[] = [];
  /** Unique name of the caller of the method being handled; dbus-next hands methods only their arguments. */
  currentSender = '';

  constructor() {
    super(WATCHER_NAME);
  }

  RegisterStatusNotifierItem(service: string): void {
    // The spec says "service name": ayatana passes its object path, KDE and this tray a bus name.
    const item = service.startsWith('/')
      ? { busName: this.currentSender, path: service }
      : { busName: service, path: '/StatusNotifierItem' };
    const id = `${item.busName}${item.path}`;
    if (!this.items.includes(id)) this.items.push(id);
    this.StatusNotifierItemRegistered(id);
  }

  RegisterStatusNotifierHost(_service: string): void {
    this.StatusNotifierHostRegistered();
  }

  get RegisteredStatusNotifierItems(): string[] {
    return this.items;
  }

  get IsStatusNotifierHostRegistered(): boolean {
    return true;
  }

  get ProtocolVersion(): number {
    return 0;
  }

  StatusNotifierItemRegistered(id: string): string {
    return id;
  }

  StatusNotifierItemUnregistered(id: string): string {
    return id;
  }

  StatusNotifierHostRegistered(): void {}
}

StatusNotifierWatcher.configureMembers({
  methods: {
    RegisterStatusNotifierItem: { inSignature: 's' },
    RegisterStatusNotifierHost: { inSignature: 's' },
  },
  properties: {
    RegisteredStatusNotifierItems: { signature: 'as', access: 'read' },
    IsStatusNotifierHostRegistered: { signature: 'b', access: 'read' },
    ProtocolVersion: { signature: 'i', access: 'read' },
  },
  signals: {
    StatusNotifierItemRegistered: { signature: 's' },
    StatusNotifierItemUnregistered: { signature: 's' },
    StatusNotifierHostRegistered: { signature: '' },
  },
});

export interface MenuEntry {
  id: number;
  label: string;
  enabled: boolean;
  visible: boolean;
  /** 'separator' for separators, 'standard' otherwise. */
  type: string;
}

export class StatusNotifierHost {
  private constructor(
    private readonly bus: dbus.MessageBus,
    private readonly watcher: StatusNotifierWatcher,
  ) {}

  /** Connects to the session bus and takes the watcher name; fails if another host already holds it. */
  static async start(): Promise<StatusNotifierHost> {
    const bus = dbus.sessionBus();
    const watcher = new StatusNotifierWatcher();
    bus.addMethodHandler((message: dbus.Message) => {
      if (message.member === 'RegisterStatusNotifierItem') watcher.currentSender = message.sender;
      return false;
    });
    bus.export(WATCHER_PATH, watcher);
    const reply = await bus.requestName(WATCHER_NAME, dbus.NameFlag.DO_NOT_QUEUE);
    if (reply !== dbus.RequestNameReply.PRIMARY_OWNER) {
      bus.disconnect();
      throw new Error(`${WATCHER_NAME} is already owned on this session bus (reply ${reply})`);
    }
    return new StatusNotifierHost(bus, watcher);
  }

  /** The first registered item whose owner is still on the bus (a tray that quit leaves its entry). */
  async waitForItem(timeoutMs = 15000): Promise<TrayItem> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const id of this.watcher.items) {
        const slash = id.indexOf('/');
        const busName = id.slice(0, slash);
        if (await nameHasOwner(this.bus, busName)) return new TrayItem(this.bus, busName, id.slice(slash));
      }
      if (Date.now() > deadline) throw new Error(`no StatusNotifierItem registered within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.bus.releaseName(WATCHER_NAME).catch(() => undefined);
    this.bus.disconnect();
  }
}

/** The tray's tooltip is text only: no icon of its own. */
function expectNoToolTipIcon(icon: string, pixmaps: unknown[]): void {
  if (icon !== '' || pixmaps.length !== 0) {
    throw new Error(`unexpected tooltip icon ${JSON.stringify(icon)} with ${pixmaps.length} pixmaps`);
  }
}

/** Whether a bus name (a well-known name or a connection's unique name) is on the bus now. */
export async function nameHasOwner(bus: dbus.MessageBus, name: string): Promise<boolean> {
  const reply = await bus.call(
    new dbus.Message({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'NameHasOwner',
      signature: 's',
      body: [name],
    }),
  );
  return reply?.body[0] === true;
}

export class TrayItem {
  constructor(
    private readonly bus: dbus.MessageBus,
    readonly busName: string,
    readonly path: string,
  ) {}

  async property(name: 'Title' | 'IconName' | 'Status' | 'Menu' | 'Id' | 'Category'): Promise<string> {
    const object = await this.bus.getProxyObject(this.busName, this.path);
    const properties = object.getInterface('org.freedesktop.DBus.Properties');
    const value = (await properties.Get(ITEM_INTERFACE, name)) as dbus.Variant<string>;
    return value.value;
  }

  /** The ToolTip property, (icon name, icon pixmaps, title, description), as title and description. */
  async toolTip(): Promise<{ title: string; description: string }> {
    const object = await this.bus.getProxyObject(this.busName, this.path);
    const properties = object.getInterface('org.freedesktop.DBus.Properties');
    const value = (await properties.Get(ITEM_INTERFACE, 'ToolTip')) as dbus.Variant<
      [string, unknown[], string, string]
    >;
    const [icon, pixmaps, title, description] = value.value;
    expectNoToolTipIcon(icon, pixmaps);
    return { title, description };
  }

  /** Counts an item signal (NewToolTip, NewIcon…) from now on, as a panel listening for changes does. */
  async countSignal(name: string): Promise<() => number> {
    const object = await this.bus.getProxyObject(this.busName, this.path);
    let count = 0;
    object.getInterface(ITEM_INTERFACE).on(name, () => count++);
    return () => count;
  }

  /** Re-reads a property until it satisfies the predicate (panels re-read on NewIcon/NewStatus too). */
  async waitForProperty(
    name: 'IconName' | 'Status' | 'Title',
    predicate: (value: string) => boolean,
    timeoutMs = 10000,
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let value = await this.property(name);
    while (!predicate(value)) {
      if (Date.now() > deadline)
        throw new Error(`${name} stayed ${JSON.stringify(value)} for ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      value = await this.property(name);
    }
    return value;
  }

  /** The top-level menu entries in order, as `GetLayout(0, -1, [...])` gives them to a panel. */
  async menu(): Promise<MenuEntry[]> {
    const menu = await this.menuInterface();
    const [, layout] = (await menu.GetLayout(0, -1, ['label', 'enabled', 'visible', 'type'])) as [
      number,
      [number, Record<string, dbus.Variant>, dbus.Variant[]],
    ];
    return layout[2].map((child) => {
      const [id, properties] = child.value as [number, Record<string, dbus.Variant>];
      return {
        id,
        label: (properties.label?.value as string | undefined) ?? '',
        // dbusmenu omits properties that have their default value (enabled/visible true, type standard).
        enabled: (properties.enabled?.value as boolean | undefined) ?? true,
        visible: (properties.visible?.value as boolean | undefined) ?? true,
        type: (properties.type?.value as string | undefined) ?? 'standard',
      };
    });
  }

  async entry(label: string): Promise<MenuEntry> {
    const entries = await this.menu();
    const entry = entries.find((candidate) => candidate.label === label);
    if (!entry) {
      throw new Error(
        `no menu item "${label}" (have: ${entries.map((e) => JSON.stringify(e.label)).join(', ')})`,
      );
    }
    return entry;
  }

  async waitForEntry(label: string, predicate: (entry: MenuEntry) => boolean, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    let entry = await this.entry(label);
    while (!predicate(entry)) {
      if (Date.now() > deadline) throw new Error(`menu item "${label}" stayed ${JSON.stringify(entry)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      entry = await this.entry(label);
    }
    return entry;
  }

  /** Clicks a menu item as a panel does: dbusmenu Event(id, 'clicked', …) fires the GTK item's activate. */
  async click(label: string): Promise<void> {
    const entry = await this.entry(label);
    const menu = await this.menuInterface();
    await menu.Event(entry.id, 'clicked', new dbus.Variant('s', ''), Math.floor(Date.now() / 1000));
  }

  private async menuInterface() {
    const object = await this.bus.getProxyObject(this.busName, await this.property('Menu'));
    return object.getInterface(MENU_INTERFACE);
  }
}
