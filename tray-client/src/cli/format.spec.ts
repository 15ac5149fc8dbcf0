import { planItem, syncPlan } from '../../test/support/plans';
import { formatPlan } from './format';

describe('formatPlan', () => {
  it('lists held packages with their hold, reason changes, and the holds the pool overrides', () => {
    const lines = formatPlan(
      syncPlan({
        upgrade: [planItem('linux', '6.12.1-1', '6.12.4-1', { repository: 'core' })],
        remove: [{ package_name: 'nvidia', version: '565.77-1' }],
        reasons: [
          { package_name: 'htop', version: '3.3.0-1', from_reason: 'dependency', to_reason: 'explicit' },
        ],
        held: [
          {
            package_name: 'xorg-server',
            change: 'downgrade',
            installed_version: '21.1.14-1',
            wanted_version: '21.1.13-1',
            reason: 'ignore_group',
            held_by: 'xorg',
          },
          {
            package_name: 'vim',
            change: 'reason',
            installed_version: '9.1-1',
            wanted_version: '9.1-1',
            reason: 'ignore_pkg',
            held_by: 'vi?',
          },
        ],
        overridden_holds: [
          {
            package_name: 'linux',
            change: 'upgrade',
            installed_version: '6.12.1-1',
            wanted_version: '6.12.4-1',
            reason: 'ignore_pkg',
            held_by: 'linux*',
          },
        ],
      }),
      'sync plan',
    );
    expect(lines).toEqual([
      'sync plan: 1 to upgrade, 1 to remove, 1 reasons to set, 2 held',
      '  upgrade (1):',
      '    linux 6.12.1-1 -> 6.12.4-1  from [core]  (held by IgnorePkg linux*; the pool overrides the hold)',
      '  remove (1):',
      '    nvidia 565.77-1',
      '  set install reason (1):',
      '    htop 3.3.0-1: dependency -> explicit',
      '  held by pacman.conf (left as they are) (2):',
      '    xorg-server 21.1.14-1: would downgrade to 21.1.13-1  (IgnoreGroup xorg)',
      '    vim 9.1-1: would set its install reason  (IgnorePkg vi?)',
    ]);
  });
});
