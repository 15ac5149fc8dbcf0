import { TestBed } from '@angular/core/testing';

import type { PackageStateDto } from '../api/generated/models';
import { StatePackagesComponent } from './state-packages.component';

const packages: PackageStateDto[] = Array.from({ length: 2000 }, (_, i) => ({
  package_name: `pkg-${String(1999 - i).padStart(4, '0')}`,
  version: '1.0-1',
  repository: i % 10 === 0 ? 'local' : 'extra',
  installed_size: 1,
  dependencies: [],
  install_reason: i % 2 ? 'dependency' : 'explicit',
}));

describe('StatePackagesComponent', () => {
  it('filters a 2,000-package snapshot by name and keeps the DOM to what the viewport shows', async () => {
    const fixture = TestBed.createComponent(StatePackagesComponent);
    fixture.componentRef.setInput('packages', packages);
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('[data-testid=package-count]')!.textContent!.trim()).toBe(
      '2000 of 2000 packages',
    );
    expect(element.querySelectorAll('.row').length).toBeLessThan(100);

    const input = element.querySelector('input')!;
    input.value = 'PKG-19';
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(element.querySelector('[data-testid=package-count]')!.textContent!.trim()).toBe(
      '100 of 2000 packages',
    );
  });
});
