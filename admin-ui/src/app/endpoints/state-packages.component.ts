import { ScrollingModule } from '@angular/cdk/scrolling';
import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';

import type { PackageStateDto } from '../api/generated/models';

/** A snapshot's packages (2,000 is common), filtered by name and rendered through virtual scrolling. */
@Component({
  selector: 'ps-state-packages',
  imports: [ScrollingModule],
  template: `
    <div class="toolbar">
      <label
        >Filter packages
        <input
          type="search"
          [value]="filter()"
          (input)="filter.set($any($event.target).value)"
          placeholder="name"
        />
      </label>
      <span class="muted" role="status" data-testid="package-count"
        >{{ rows().length }} of {{ packages().length }} packages</span
      >
    </div>
    <div class="grid-head package-grid" aria-hidden="true">
      <span>Package</span><span>Version</span><span>Repository</span><span>Reason</span>
    </div>
    <cdk-virtual-scroll-viewport
      itemSize="32"
      class="viewport short"
      role="list"
      aria-label="Installed packages"
    >
      <div
        *cdkVirtualFor="let pkg of rows(); trackBy: trackByName"
        class="package-grid row short"
        role="listitem"
      >
        <code>{{ pkg.package_name }}</code><span>{{ pkg.version }}</span
        ><span>{{ pkg.repository }}</span
        ><span>{{ pkg.install_reason }}</span>
      </div>
    </cdk-virtual-scroll-viewport>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatePackagesComponent {
  readonly packages = input.required<readonly PackageStateDto[]>();
  protected readonly filter = signal('');
  protected readonly rows = computed(() => {
    const needle = this.filter().trim().toLowerCase();
    const sorted = [...this.packages()].sort((a, b) => a.package_name.localeCompare(b.package_name));
    return needle ? sorted.filter((pkg) => pkg.package_name.toLowerCase().includes(needle)) : sorted;
  });

  protected trackByName(_index: number, pkg: PackageStateDto): string {
    return pkg.package_name;
  }
}
