import {
  confArchitectures,
  confSigLevels,
  describeSigLevel,
  packageSigLevel,
  parsePacmanConf,
  weakerSigLevel,
} from './pacman-conf';

// What pacman-conf 6.0.2 printed for a pacman.conf with `Architecture = auto x86_64_v3` (on x86_64),
// `SigLevel = Required DatabaseOptional`, `LocalFileSigLevel = Optional`, IgnorePkg and IgnoreGroup,
// and two repositories: [core] with `SigLevel = PackageRequired TrustAll` and two servers, [extra] without.
const DUMP = `[options]
RootDir = /
DBPath = /var/lib/pacman/
CacheDir = /var/cache/pacman/pkg/
IgnorePkg = linux*
IgnorePkg = bar
IgnoreGroup = xorg
Architecture = x86_64
Architecture = x86_64_v3
SigLevel = PackageRequired
SigLevel = PackageTrustedOnly
SigLevel = DatabaseOptional
SigLevel = DatabaseTrustedOnly
LocalFileSigLevel = PackageOptional
LocalFileSigLevel = PackageTrustedOnly
[core]
Usage = All
SigLevel = PackageRequired
SigLevel = PackageTrustAll
SigLevel = DatabaseOptional
SigLevel = DatabaseTrustAll
Server = file:///a/core/x86_64
Server = http://b/core/x86_64
[extra]
Usage = All
Server = http://c/extra
`;

describe('parsePacmanConf', () => {
  const conf = parsePacmanConf(DUMP);

  it('keeps every server of a repository, in order, and its SigLevel', () => {
    expect(conf.repositories).toEqual([
      {
        name: 'core',
        servers: ['file:///a/core/x86_64', 'http://b/core/x86_64'],
        sigLevel: ['PackageRequired', 'PackageTrustAll', 'DatabaseOptional', 'DatabaseTrustAll'],
      },
      { name: 'extra', servers: ['http://c/extra'], sigLevel: [] },
    ]);
    expect(conf.options.get('IgnorePkg')).toEqual(['linux*', 'bar']);
    expect(conf.options.get('IgnoreGroup')).toEqual(['xorg']);
  });

  it('takes every Architecture value, auto (which pacman-conf resolves itself) being the machine’s', () => {
    expect(confArchitectures(conf, 'x86_64')).toEqual(['x86_64', 'x86_64_v3']);
    expect(confArchitectures(parsePacmanConf('[options]\n'), 'aarch64')).toEqual(['aarch64']);
    expect(
      confArchitectures(parsePacmanConf('[options]\nArchitecture = auto\nArchitecture = x86_64\n'), 'x86_64'),
    ).toEqual(['x86_64']);
  });

  it('tells the SigLevel of each repository and of local and remote files, falling back to the global one', () => {
    const levels = confSigLevels(conf);
    expect(levels.repository('core')).toEqual({ signature: 'required', trust: 'all' });
    expect(levels.repository('extra')).toEqual({ signature: 'required', trust: 'trusted' });
    expect(levels.localFile).toEqual({ signature: 'optional', trust: 'trusted' });
    // Not printed: unset, so libalpm uses the global SigLevel.
    expect(levels.remoteFile).toEqual({ signature: 'required', trust: 'trusted' });
  });
});

describe('weakerSigLevel', () => {
  const required = packageSigLevel(['PackageRequired', 'PackageTrustedOnly']);
  const requiredTrustAll = packageSigLevel(['PackageRequired', 'PackageTrustAll']);
  const optional = packageSigLevel(['PackageOptional', 'PackageTrustedOnly']);
  const never = packageSigLevel(['PackageNever']);

  it('orders Never < Optional < Required, and TrustAll below TrustedOnly', () => {
    expect(weakerSigLevel(optional, required)).toBe(true);
    expect(weakerSigLevel(never, optional)).toBe(true);
    expect(weakerSigLevel(requiredTrustAll, required)).toBe(true);
    expect(weakerSigLevel(required, requiredTrustAll)).toBe(false);
    expect(weakerSigLevel(required, required)).toBe(false);
    expect(weakerSigLevel(never, never)).toBe(false);
    expect(weakerSigLevel(optional, never)).toBe(false);
  });

  it('reads a missing level (libalpm without signatures) as Never and says each level in pacman.conf words', () => {
    expect(packageSigLevel([])).toEqual({ signature: 'never', trust: 'all' });
    expect([required, requiredTrustAll, optional, never].map(describeSigLevel)).toEqual([
      'Required TrustedOnly',
      'Required TrustAll',
      'Optional TrustedOnly',
      'Never',
    ]);
  });
});
