import {
  type PackageState,
  repositoryContentHash,
  sha256Hex,
  stateContentHash,
  type SystemState,
} from '@pacman-sync/shared';

import { nodeSha256Hex } from './sha256';

function packageAt(index: number): PackageState {
  return {
    package_name: `pkg-${index}`,
    version: `${index % 7}.${index % 13}.${index}-1`,
    repository: index % 5 === 0 ? 'local' : 'extra',
    installed_size: index * 4096,
    // Non-ASCII text: the two hashers must agree on UTF-8 encoding, not only on ASCII.
    dependencies: [`dep-${index % 11}`, index % 3 === 0 ? 'glibc>=2.40' : 'ünïcode-lib', '😀-emoji'],
    install_reason: index % 4 === 0 ? 'explicit' : 'dependency',
  };
}

describe('nodeSha256Hex', () => {
  it('gives the same digest as the shared pure-TypeScript SHA-256', () => {
    for (const text of ['', 'abc', 'ä€😀\n', 'x'.repeat(100_003)]) {
      expect(nodeSha256Hex(text)).toBe(sha256Hex(text));
    }
  });

  it('gives the same state and repository content hashes as the shared default hasher', () => {
    const state: SystemState = {
      pacman_version: '7.0.0',
      architecture: 'x86_64',
      packages: Array.from({ length: 2000 }, (_, index) => packageAt(index)),
    };
    const hash = stateContentHash(state, nodeSha256Hex);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash).toBe(stateContentHash(state));

    const repositories = [
      {
        repo_name: 'core',
        repo_url: 'https://mirror.example/core/os/x86_64',
        packages: state.packages.map((pkg) => ({
          name: pkg.package_name,
          version: pkg.version,
          architecture: 'x86_64',
        })),
      },
    ];
    expect(repositoryContentHash(repositories, nodeSha256Hex)).toBe(repositoryContentHash(repositories));
  });
});
