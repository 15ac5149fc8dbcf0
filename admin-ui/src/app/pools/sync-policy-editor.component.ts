import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import {
  compileExclusions,
  exclusionPatternError,
  type ConflictResolution,
  type SyncPolicy,
} from '@pacman-sync/shared';

import type { PackageStateDto } from '../api/generated/models';

/** How many matched names the preview lists before it only counts. */
const PREVIEW_LIMIT = 50;

export interface ExclusionPreview {
  errors: string[];
  matched: string[];
}

/** Which of the target's packages the patterns leave out, with the shared matcher the server uses. */
export function previewExclusions(
  patterns: readonly string[],
  packages: readonly Pick<PackageStateDto, 'package_name'>[],
): ExclusionPreview {
  const errors = patternErrors(patterns);
  if (errors.length > 0) return { errors, matched: [] };
  const isExcluded = compileExclusions(patterns);
  return {
    errors,
    matched: packages
      .map((pkg) => pkg.package_name)
      .filter(isExcluded)
      .sort(),
  };
}

/** "pattern: what is wrong with it" for each pattern the server would refuse. */
export function patternErrors(patterns: readonly string[]): string[] {
  return patterns
    .map((pattern) => [pattern, exclusionPatternError(pattern)] as const)
    .filter(([, problem]) => problem !== null)
    .map(([pattern, problem]) => `${pattern}: ${problem}`);
}

export function parsePatterns(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern.length > 0);
}

@Component({
  selector: 'ps-sync-policy-editor',
  imports: [FormsModule],
  template: `
    <form (ngSubmit)="submit()" aria-labelledby="policy-title">
      <h2 id="policy-title">Sync policy</h2>
      <fieldset [disabled]="readonly()">
        <div class="checks">
          <label
            ><input
              type="checkbox"
              name="auto_sync"
              [ngModel]="autoSync()"
              (ngModelChange)="autoSync.set($event)"
            />
            Auto sync: create sync operations for every other endpoint when the target changes</label
          >
          <label
            ><input
              type="checkbox"
              name="include_aur"
              [ngModel]="includeAur()"
              (ngModelChange)="includeAur.set($event)"
            />
            Include AUR and other foreign packages</label
          >
          <label
            ><input
              type="checkbox"
              name="remove_extra"
              [ngModel]="removeExtra()"
              (ngModelChange)="removeExtra.set($event)"
            />
            Remove packages the target does not have</label
          >
          <label
            ><input
              type="checkbox"
              name="allow_endpoint_actions"
              [ngModel]="allowEndpointActions()"
              (ngModelChange)="allowEndpointActions.set($event)"
            />
            Let endpoints sync and revert themselves (tray and CLI)</label
          >
          <label
            ><input
              type="checkbox"
              name="allow_endpoint_set_latest"
              [ngModel]="allowEndpointSetLatest()"
              (ngModelChange)="allowEndpointSetLatest.set($event)"
            />
            Let endpoints make their own state this pool's target (set latest): any machine of the pool,
            enrolled ones included, then decides what all the others install</label
          >
        </div>
        <label for="conflict">Conflict resolution</label>
        <select id="conflict" name="conflict" [ngModel]="conflict()" (ngModelChange)="conflict.set($event)">
          <option value="manual">manual: refuse a plan with unavailable versions</option>
          <option value="newest">newest: take the newest available version</option>
          <option value="oldest">oldest: take the oldest available version</option>
        </select>
        <label for="exclusions">Excluded packages (glob patterns, one per line or comma-separated)</label>
        <textarea
          id="exclusions"
          name="exclusions"
          rows="3"
          [ngModel]="exclusionText()"
          (ngModelChange)="exclusionText.set($event)"
          aria-describedby="exclusion-preview"
        ></textarea>
        <label for="override-holds"
          >Override holds: change these packages even where an endpoint's pacman.conf holds them (IgnorePkg,
          IgnoreGroup; glob patterns, default none)</label
        >
        <textarea
          id="override-holds"
          name="override_holds"
          rows="2"
          [ngModel]="overrideText()"
          (ngModelChange)="overrideText.set($event)"
          aria-describedby="override-errors"
        ></textarea>
        <div id="override-errors" aria-live="polite" data-testid="override-errors">
          @for (problem of overrideErrors(); track problem) {
            <p class="error">{{ problem }}</p>
          }
        </div>
      </fieldset>
      <div id="exclusion-preview" class="preview" aria-live="polite" data-testid="exclusion-preview">
        @if (preview().errors.length > 0) {
          @for (problem of preview().errors; track problem) {
            <p class="error">{{ problem }}</p>
          }
        } @else if (targetPackages().length === 0) {
          <p class="muted">The pool has no target yet, so there is nothing to preview.</p>
        } @else {
          <p>
            {{ preview().matched.length }} of the target's {{ targetPackages().length }} packages are
            excluded{{ preview().matched.length ? ':' : '.' }}
          </p>
          @if (preview().matched.length > 0) {
            <p class="package-list">
              @for (name of shownMatches(); track name) {
                <code>{{ name }}</code>
              }
              @if (preview().matched.length > shownMatches().length) {
                <span>… and {{ preview().matched.length - shownMatches().length }} more</span>
              }
            </p>
          }
        }
      </div>
      @if (!readonly()) {
        <button
          type="submit"
          class="primary"
          [disabled]="preview().errors.length > 0 || overrideErrors().length > 0 || saving()"
        >
          Save policy
        </button>
      }
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SyncPolicyEditorComponent {
  readonly policy = input.required<SyncPolicy>();
  readonly targetPackages = input<readonly PackageStateDto[]>([]);
  readonly readonly = input(false);
  readonly saving = input(false);
  readonly save = output<SyncPolicy>();

  protected readonly autoSync = signal(false);
  protected readonly includeAur = signal(false);
  protected readonly removeExtra = signal(false);
  protected readonly allowEndpointActions = signal(true);
  protected readonly allowEndpointSetLatest = signal(false);
  protected readonly conflict = signal<ConflictResolution>('manual');
  protected readonly exclusionText = signal('');
  protected readonly overrideText = signal('');

  protected readonly patterns = computed(() => parsePatterns(this.exclusionText()));
  protected readonly preview = computed(() => previewExclusions(this.patterns(), this.targetPackages()));
  protected readonly shownMatches = computed(() => this.preview().matched.slice(0, PREVIEW_LIMIT));
  protected readonly overridePatterns = computed(() => parsePatterns(this.overrideText()));
  protected readonly overrideErrors = computed(() => patternErrors(this.overridePatterns()));

  constructor() {
    effect(() => {
      const policy = this.policy();
      this.autoSync.set(policy.auto_sync);
      this.includeAur.set(policy.include_aur);
      this.removeExtra.set(policy.remove_extra);
      this.allowEndpointActions.set(policy.allow_endpoint_actions);
      this.allowEndpointSetLatest.set(policy.allow_endpoint_set_latest);
      this.conflict.set(policy.conflict_resolution);
      this.exclusionText.set(policy.exclude_packages.join('\n'));
      this.overrideText.set(policy.override_holds.join('\n'));
    });
  }

  protected submit(): void {
    if (this.preview().errors.length > 0 || this.overrideErrors().length > 0) return;
    this.save.emit({
      auto_sync: this.autoSync(),
      include_aur: this.includeAur(),
      remove_extra: this.removeExtra(),
      allow_endpoint_actions: this.allowEndpointActions(),
      allow_endpoint_set_latest: this.allowEndpointSetLatest(),
      conflict_resolution: this.conflict(),
      exclude_packages: this.patterns(),
      override_holds: this.overridePatterns(),
    });
  }
}
