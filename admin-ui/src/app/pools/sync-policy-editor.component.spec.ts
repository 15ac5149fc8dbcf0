import { TestBed } from '@angular/core/testing';
import { DEFAULT_SYNC_POLICY, type SyncPolicy } from '@pacman-sync/shared';

import type { PackageStateDto } from '../api/generated/models';
import { parsePatterns, previewExclusions, SyncPolicyEditorComponent } from './sync-policy-editor.component';

const pkg = (package_name: string): PackageStateDto => ({
  package_name,
  version: '1.0-1',
  repository: 'core',
  installed_size: 1,
  dependencies: [],
  install_reason: 'explicit',
});
const TARGET = ['linux', 'linux-firmware', 'linux-headers', 'nvidia-utils', 'vim', 'glibc'].map(pkg);

describe('previewExclusions', () => {
  it('lists the target packages the patterns match, with the same matcher as the server', () => {
    expect(previewExclusions(['linux*', 'nvidia-?tils', 'vi[a-m]'], TARGET)).toEqual({
      errors: [],
      matched: ['linux', 'linux-firmware', 'linux-headers', 'nvidia-utils', 'vim'],
    });
  });

  it('names each invalid pattern instead of previewing', () => {
    const preview = previewExclusions(['[abc', 'ok*', 'has space', 'z-a]'], TARGET);
    expect(preview.matched).toEqual([]);
    expect(preview.errors).toHaveLength(3);
    expect(preview.errors[0]).toMatch(/^\[abc: unclosed/);
  });

  it('splits patterns on lines, commas and spaces', () => {
    expect(parsePatterns(' linux* ,nvidia*\n\n  vim ')).toEqual(['linux*', 'nvidia*', 'vim']);
  });
});

describe('SyncPolicyEditorComponent', () => {
  async function render(policy: SyncPolicy, readonly = false) {
    const fixture = TestBed.createComponent(SyncPolicyEditorComponent);
    fixture.componentRef.setInput('policy', policy);
    fixture.componentRef.setInput('targetPackages', TARGET);
    fixture.componentRef.setInput('readonly', readonly);
    await fixture.whenStable();
    return fixture;
  }

  it('shows the preview as the patterns change and emits the edited policy', async () => {
    const fixture = await render({ ...DEFAULT_SYNC_POLICY, exclude_packages: ['nvidia*'] });
    const element = fixture.nativeElement as HTMLElement;
    const preview = () =>
      element.querySelector('[data-testid=exclusion-preview]')!.textContent!.replace(/\s+/g, ' ');
    expect(preview()).toContain("1 of the target's 6 packages are excluded");

    const textarea = element.querySelector('textarea')!;
    textarea.value = 'linux*\nnvidia*';
    textarea.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(preview()).toContain("4 of the target's 6 packages are excluded:");
    expect(
      [...element.querySelectorAll('[data-testid=exclusion-preview] code')].map((code) => code.textContent),
    ).toEqual(['linux', 'linux-firmware', 'linux-headers', 'nvidia-utils']);

    const saved: SyncPolicy[] = [];
    fixture.componentInstance.save.subscribe((policy) => saved.push(policy));
    element.querySelector<HTMLInputElement>('input[name=auto_sync]')!.click();
    const allowEndpointActions = element.querySelector<HTMLInputElement>(
      'input[name=allow_endpoint_actions]',
    )!;
    expect(allowEndpointActions.checked).toBe(true);
    allowEndpointActions.click();
    const allowSetLatest = element.querySelector<HTMLInputElement>('input[name=allow_endpoint_set_latest]')!;
    expect(allowSetLatest.checked).toBe(false);
    allowSetLatest.click();
    await fixture.whenStable();
    element.querySelector('form')!.dispatchEvent(new Event('submit'));
    expect(saved).toEqual([
      {
        ...DEFAULT_SYNC_POLICY,
        auto_sync: true,
        allow_endpoint_actions: false,
        allow_endpoint_set_latest: true,
        exclude_packages: ['linux*', 'nvidia*'],
      },
    ]);
  });

  it('refuses to save an invalid pattern', async () => {
    const fixture = await render(DEFAULT_SYNC_POLICY);
    const element = fixture.nativeElement as HTMLElement;
    const textarea = element.querySelector('textarea')!;
    textarea.value = 'linux[';
    textarea.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(element.querySelector('.error')?.textContent).toContain('linux[');
    expect(element.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled).toBe(true);
  });

  it('edits the holds the pool overrides, refusing an invalid pattern', async () => {
    const fixture = await render({ ...DEFAULT_SYNC_POLICY, override_holds: ['linux'] });
    const element = fixture.nativeElement as HTMLElement;
    const overrides = element.querySelector<HTMLTextAreaElement>('textarea[name=override_holds]')!;
    expect(overrides.value).toBe('linux');
    overrides.value = 'linux*, nvidia[';
    overrides.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    expect(element.querySelector('[data-testid=override-errors]')!.textContent).toContain('nvidia[');
    expect(element.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled).toBe(true);

    overrides.value = 'linux*\nnvidia*';
    overrides.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    const saved: SyncPolicy[] = [];
    fixture.componentInstance.save.subscribe((policy) => saved.push(policy));
    element.querySelector('form')!.dispatchEvent(new Event('submit'));
    expect(saved).toEqual([{ ...DEFAULT_SYNC_POLICY, override_holds: ['linux*', 'nvidia*'] }]);
  });

  it('is read-only for viewers: fields disabled, no save button', async () => {
    const fixture = await render(DEFAULT_SYNC_POLICY, true);
    const element = fixture.nativeElement as HTMLElement;
    expect(element.querySelector('fieldset')!.disabled).toBe(true);
    expect(element.querySelector('button[type=submit]')).toBeNull();
  });
});
