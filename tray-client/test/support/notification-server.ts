// A desktop notification daemon for tests: owns org.freedesktop.Notifications on the session bus and
// records every Notify call, so a test sees what libnotify would have put on the screen.
import * as dbus from 'dbus-next';

const NAME = 'org.freedesktop.Notifications';

export interface ShownNotification {
  appName: string;
  icon: string;
  summary: string;
  body: string;
}

class Notifications extends dbus.interface.Interface {
  readonly shown: ShownNotification[] = [];

  constructor() {
    super(NAME);
  }

  Notify(
    appName: string,
    _replacesId: number,
    icon: string,
    summary: string,
    body: string,
    _actions: string[],
    _hints: Record<string, dbus.Variant>,
    _timeout: number,
  ): number {
    this.shown.push({ appName, icon, summary, body });
    return this.shown.length;
  }

  GetCapabilities(): string[] {
    return ['body'];
  }

  GetServerInformation(): string[] {
    return ['pacman-sync-test', 'pacman-sync', '1', '1.2'];
  }

  CloseNotification(_id: number): void {}

  NotificationClosed(id: number, reason: number): [number, number] {
    return [id, reason];
  }

  ActionInvoked(id: number, action: string): [number, string] {
    return [id, action];
  }
}

Notifications.configureMembers({
  methods: {
    Notify: { inSignature: 'susssasa{sv}i', outSignature: 'u' },
    GetCapabilities: { outSignature: 'as' },
    GetServerInformation: { outSignature: 'ssss' },
    CloseNotification: { inSignature: 'u' },
  },
  signals: {
    NotificationClosed: { signature: 'uu' },
    ActionInvoked: { signature: 'us' },
  },
});

export class NotificationServer {
  private constructor(
    private readonly bus: dbus.MessageBus,
    private readonly service: Notifications,
  ) {}

  static async start(): Promise<NotificationServer> {
    const bus = dbus.sessionBus();
    const service = new Notifications();
    bus.export('/org/freedesktop/Notifications', service);
    const reply = await bus.requestName(NAME, dbus.NameFlag.DO_NOT_QUEUE);
    if (reply !== dbus.RequestNameReply.PRIMARY_OWNER) {
      bus.disconnect();
      throw new Error(`${NAME} is already owned on this session bus`);
    }
    return new NotificationServer(bus, service);
  }

  get shown(): readonly ShownNotification[] {
    return this.service.shown;
  }

  async close(): Promise<void> {
    await this.bus.releaseName(NAME).catch(() => undefined);
    this.bus.disconnect();
  }
}
