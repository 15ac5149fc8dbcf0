import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';

let nextId = 0;

/**
 * A button that asks before it acts: a modal <dialog> (focus trapped, Escape cancels) says what the action
 * affects, and only "confirm" emits.
 */
@Component({
  selector: 'ps-confirm-button',
  template: `
    <button type="button" [class]="buttonClass()" [disabled]="disabled()" (click)="open()">
      {{ label() }}
    </button>
    <dialog
      #dialog
      class="confirm"
      [attr.aria-labelledby]="titleId"
      [attr.aria-describedby]="bodyId"
      (close)="onClose()"
    >
      <h2 [id]="titleId">{{ title() }}</h2>
      <div [id]="bodyId">
        <p>{{ message() }}</p>
        @if (affects().length > 0) {
          <ul class="affects">
            @for (line of affects(); track $index) {
              <li>{{ line }}</li>
            }
          </ul>
        }
      </div>
      <div class="actions">
        <button type="button" (click)="dialog.close('cancel')">Cancel</button>
        <button type="button" [class]="buttonClass()" (click)="dialog.close('confirm')">
          {{ confirmLabel() }}
        </button>
      </div>
    </dialog>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmButtonComponent {
  readonly label = input.required<string>();
  readonly title = input.required<string>();
  readonly message = input.required<string>();
  readonly affects = input<string[]>([]);
  readonly confirmLabel = input('Confirm');
  readonly buttonClass = input('');
  readonly disabled = input(false);
  readonly confirmed = output<void>();

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly isOpen = signal(false);
  protected readonly titleId = `ps-confirm-title-${++nextId}`;
  protected readonly bodyId = `ps-confirm-body-${nextId}`;

  protected open(): void {
    const element = this.dialog().nativeElement;
    element.returnValue = '';
    if (typeof element.showModal === 'function') element.showModal();
    else element.setAttribute('open', '');
    this.isOpen.set(true);
  }

  protected onClose(): void {
    this.isOpen.set(false);
    if (this.dialog().nativeElement.returnValue === 'confirm') this.confirmed.emit();
  }
}
