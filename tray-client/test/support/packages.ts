import { PackageSpec, RepositorySpec } from './pacman-fixture';

/** A small Arch-like world: an up-to-date "arch" repository and a lagging "manjaro" one. */
export const libx1: PackageSpec = { name: 'libx', version: '1.0-1', size: 1000 };
export const libx2: PackageSpec = { name: 'libx', version: '2.0-1', size: 2000 };
export const app1: PackageSpec = { name: 'app', version: '1.0-1', depends: ['libx'] };
export const app2: PackageSpec = { name: 'app', version: '2.0-1', depends: ['libx>=2.0'], size: 52428 };
export const tool09: PackageSpec = { name: 'tool', version: '0.9-1' };
export const tool10: PackageSpec = { name: 'tool', version: '1.0-1' };
export const tool11: PackageSpec = { name: 'tool', version: '1.1-1' };
export const extra: PackageSpec = { name: 'extra', version: '1:1.0-1' };
/** Hand-built (AUR) package no repository knows. */
export const foreign: PackageSpec = { name: 'my-aur-tool', version: '3.2.1-2', depends: ['libx'] };
/** Two packages that own the same file: installing both fails with a file conflict. */
export const clash: PackageSpec = { name: 'clash', version: '1.0-1', files: ['usr/share/common/data'] };
export const clash2: PackageSpec = { name: 'other', version: '1.0-1', files: ['usr/share/common/data'] };
/** Depends on something no repository has. */
export const needy: PackageSpec = { name: 'needy', version: '1.0-1', depends: ['nonexistent-lib>=1'] };

export const ARCH_REPO: RepositorySpec = {
  name: 'arch',
  packages: [libx2, app2, tool11, extra, clash, clash2, needy],
};
export const MANJARO_REPO: RepositorySpec = { name: 'manjaro', packages: [libx1, app1, tool10] };
export const REPOSITORIES = [ARCH_REPO, MANJARO_REPO];

/**
 * Packages that replace each other the way iptables-nft replaces iptables: the successor conflicts with
 * the original, provides its name and ships the same files.
 */
export const iptables: PackageSpec = { name: 'iptables', version: '1.8.9-1', files: ['usr/bin/iptables'] };
export const iptablesNft: PackageSpec = {
  name: 'iptables-nft',
  version: '1.8.9-1',
  conflicts: ['iptables'],
  provides: ['iptables=1.8.9-1'],
  replaces: ['iptables'],
  files: ['usr/bin/iptables', 'usr/bin/iptables-nft'],
};
/** Depends on iptables, which iptables-nft's provision satisfies. */
export const firewallUi: PackageSpec = { name: 'firewall-ui', version: '1.0-1', depends: ['iptables'] };
/** Provides iptables without conflicting with anything, so iptables-nft conflicts with it too. */
export const legacyFirewall: PackageSpec = { name: 'legacy-fw', version: '1.0-1', provides: ['iptables'] };
/** Conflicts only with old versions of libx. */
export const pickyTool: PackageSpec = { name: 'picky', version: '1.0-1', conflicts: ['libx<2'] };

/** Arch Linux's mirror layout: repositories served so are Arch's own, whose old builds the archive has. */
export const ARCH_LAYOUT = '$repo/os/$arch';
/** Manjaro's mirror layout: its `core` and `extra` hold Manjaro's builds, which the archive does not have. */
export const MANJARO_LAYOUT = 'stable/$repo/$arch';

export const SWAP_REPO: RepositorySpec = {
  name: 'core',
  layout: ARCH_LAYOUT,
  packages: [iptables, iptablesNft, firewallUi, legacyFirewall, pickyTool, libx1, libx2, tool11],
};
