// The "Show details" window: the plan to the pool's target and the recent operations. One window is
// built on first use and reused; closing it only hides it, so opening it again allocates nothing new
// beyond the rows of the data shown.
import { GtkBox, GtkGrid, GtkLabel, GtkModule, GtkWindow } from './gi';
import { TrayDetails } from './tray-backend';
import { describePlan, oneLine, operationRows, planRows } from './tray-view';

export const DETAILS_WINDOW_TITLE = 'pacman-sync — details';

const PLAN_COLUMNS = ['Action', 'Package', 'Installed', 'Target', 'Note'];
const OPERATION_COLUMNS = ['When', 'Operation', 'Status', 'Result'];

export class DetailsWindow {
  private window: GtkWindow | null = null;
  private heading!: GtkLabel;
  private planSummary!: GtkLabel;
  private planGrid!: GtkGrid;
  private operationsGrid!: GtkGrid;

  constructor(private readonly Gtk: GtkModule) {}

  /** Shows the window with a loading line at once, so a slow server never looks like a dead click. */
  showLoading(): void {
    this.build();
    this.heading.setText('Loading…');
    this.window!.showAll();
    this.window!.present();
  }

  show(details: TrayDetails): void {
    this.build();
    const pool = details.poolName ? ` in pool ${oneLine(details.poolName)}` : ' (no pool)';
    this.heading.setText(`${oneLine(details.endpointName)}${pool}`);
    if (details.plan) {
      this.planSummary.setText(`Plan to the pool's target: ${describePlan(details.plan)}`);
      const rows = planRows(details.plan);
      this.fill(
        this.planGrid,
        PLAN_COLUMNS,
        rows.map((row) => [row.action, row.packageName, row.from, row.to, row.note]),
      );
    } else {
      this.planSummary.setText('No plan: the pool has no target or this machine has not reported yet.');
      this.fill(this.planGrid, PLAN_COLUMNS, []);
    }
    const operations = operationRows(details.operations);
    this.fill(
      this.operationsGrid,
      OPERATION_COLUMNS,
      operations.map((row) => [row.when, row.type, row.status, row.message]),
    );
    this.window!.showAll();
    this.window!.present();
  }

  showError(message: string): void {
    this.build();
    this.heading.setText(`Cannot load details: ${oneLine(message)}`);
    this.window!.showAll();
  }

  destroy(): void {
    this.window?.destroy();
    this.window = null;
  }

  private build(): void {
    if (this.window) return;
    const Gtk = this.Gtk;
    const window = new Gtk.Window({ title: DETAILS_WINDOW_TITLE });
    window.setDefaultSize(820, 480);
    window.on('delete-event', () => {
      window.hide();
      return true;
    });
    const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 8, borderWidth: 12 }) as GtkBox;
    this.heading = new Gtk.Label({ xalign: 0 });
    this.planSummary = new Gtk.Label({ xalign: 0 });
    this.planGrid = new Gtk.Grid({ columnSpacing: 16, rowSpacing: 2 });
    this.operationsGrid = new Gtk.Grid({ columnSpacing: 16, rowSpacing: 2 });
    const section = (title: string) => {
      const label = new Gtk.Label({ xalign: 0 });
      label.setMarkup(`<b>${title}</b>`);
      return label;
    };
    const scrolled = (grid: GtkGrid) => {
      const scroller = new Gtk.ScrolledWindow({ vexpand: true });
      scroller.add(grid);
      return scroller;
    };
    box.packStart(this.heading, false, false, 0);
    box.packStart(section('Plan'), false, false, 0);
    box.packStart(this.planSummary, false, false, 0);
    box.packStart(scrolled(this.planGrid), true, true, 0);
    box.packStart(section('Recent operations'), false, false, 0);
    box.packStart(scrolled(this.operationsGrid), true, true, 0);
    window.add(box);
    this.window = window;
  }

  /** Replaces a grid's rows; the old labels are destroyed so that refreshing never accumulates widgets. */
  private fill(grid: GtkGrid, columns: readonly string[], rows: readonly string[][]): void {
    for (const child of grid.getChildren()) child.destroy();
    columns.forEach((title, column) => {
      const header = new this.Gtk.Label({ xalign: 0 });
      header.setMarkup(`<b>${title}</b>`);
      grid.attach(header, column, 0, 1, 1);
    });
    rows.forEach((cells, row) =>
      cells.forEach((text, column) =>
        grid.attach(new this.Gtk.Label({ label: oneLine(text), xalign: 0 }), column, row + 1, 1, 1),
      ),
    );
  }
}
