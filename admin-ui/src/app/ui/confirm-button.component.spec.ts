import { TestBed } from '@angular/core/testing';

import { ConfirmButtonComponent } from './confirm-button.component';

describe('ConfirmButtonComponent', () => {
  async function render() {
    const fixture = TestBed.createComponent(ConfirmButtonComponent);
    fixture.componentRef.setInput('label', 'Delete pool');
    fixture.componentRef.setInput('title', 'Delete pool lab?');
    fixture.componentRef.setInput('message', 'Its endpoints stay registered.');
    fixture.componentRef.setInput('affects', ['3 endpoint(s) leave the pool']);
    fixture.componentRef.setInput('confirmLabel', 'Delete');
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const dialog = element.querySelector('dialog')!;
    // jsdom has no modal dialogs; the component falls back to the open attribute, and close() is emulated here.
    dialog.close = (value?: string) => {
      dialog.returnValue = value ?? '';
      dialog.removeAttribute('open');
      dialog.dispatchEvent(new Event('close'));
    };
    let confirmed = 0;
    fixture.componentInstance.confirmed.subscribe(() => confirmed++);
    return { element, dialog, confirmed: () => confirmed };
  }

  it('asks first, says what is affected, and emits only on confirm', async () => {
    const { element, dialog, confirmed } = await render();
    const [open] = element.querySelectorAll('button');
    open.click();
    expect(dialog.hasAttribute('open')).toBe(true);
    expect(dialog.getAttribute('aria-labelledby')).toBe(dialog.querySelector('h2')!.id);
    expect(dialog.textContent).toContain('3 endpoint(s) leave the pool');

    dialog.querySelectorAll('button')[0].click();
    expect(confirmed()).toBe(0);

    open.click();
    dialog.querySelectorAll('button')[1].click();
    expect(confirmed()).toBe(1);
  });

  it('does not emit when the dialog is dismissed with Escape (closed without a value)', async () => {
    const { element, dialog, confirmed } = await render();
    element.querySelector('button')!.click();
    dialog.close();
    expect(confirmed()).toBe(0);
  });
});
