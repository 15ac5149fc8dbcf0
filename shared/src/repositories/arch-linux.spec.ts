import { isArchLinuxRepository } from './arch-linux';

describe('isArchLinuxRepository', () => {
  it("recognises Arch's repositories on Arch's mirrors, also behind a caching proxy", () => {
    expect(isArchLinuxRepository('core', 'https://geo.mirror.pkgbuild.com/core/os/x86_64')).toBe(true);
    expect(isArchLinuxRepository('extra', 'https://mirror.rackspace.com/archlinux/extra/os/x86_64/')).toBe(
      true,
    );
    expect(isArchLinuxRepository('multilib', 'http://cache.lan:9129/repo/archlinux/multilib/os/x86_64')).toBe(
      true,
    );
    expect(isArchLinuxRepository('core-testing', 'file:///srv/mirror/core-testing/os/x86_64')).toBe(true);
    expect(
      isArchLinuxRepository(
        'community',
        'https://archive.archlinux.org/repos/2023/01/01/community/os/x86_64',
      ),
    ).toBe(true);
  });

  it("refuses Manjaro's, EndeavourOS's, CachyOS's and Arch Linux ARM's repositories", () => {
    expect(isArchLinuxRepository('core', 'https://mirrors.manjaro.org/repo/stable/core/x86_64')).toBe(false);
    expect(isArchLinuxRepository('extra', 'https://mirror.easyname.at/manjaro/stable/extra/x86_64')).toBe(
      false,
    );
    expect(
      isArchLinuxRepository('endeavouros', 'https://mirror.alpix.eu/endeavouros/repo/endeavouros/x86_64'),
    ).toBe(false);
    expect(
      isArchLinuxRepository('cachyos-core-v3', 'https://mirror.cachyos.org/repo/x86_64_v3/cachyos-core-v3'),
    ).toBe(false);
    expect(isArchLinuxRepository('core', 'http://mirror.archlinuxarm.org/aarch64/core')).toBe(false);
  });

  it('needs both the official name and the layout naming that very repository', () => {
    expect(isArchLinuxRepository('chaotic-aur', 'https://cdn-mirror.chaotic.cx/chaotic-aur/os/x86_64')).toBe(
      false,
    );
    expect(isArchLinuxRepository('core', 'https://geo.mirror.pkgbuild.com/extra/os/x86_64')).toBe(false);
    expect(isArchLinuxRepository('core', 'https://geo.mirror.pkgbuild.com/core/os/')).toBe(false);
    expect(isArchLinuxRepository('core', 'https://geo.mirror.pkgbuild.com/core/os/x86 64')).toBe(false);
    expect(isArchLinuxRepository('core', '')).toBe(false);
    expect(isArchLinuxRepository('core', 'not a url /core/os/x86_64')).toBe(false);
  });
});
