import { parsePackageFileName } from './package-files';

describe('parsePackageFileName', () => {
  it.each([
    [
      'linux-6.6.1.arch1-1-x86_64.pkg.tar.zst',
      { name: 'linux', version: '6.6.1.arch1-1', architecture: 'x86_64' },
    ],
    ['python-pip-23.3.1-1-any.pkg.tar.xz', { name: 'python-pip', version: '23.3.1-1', architecture: 'any' }],
    [
      'lib32-glibc-2:2.38-7.1-x86_64.pkg.tar.gz',
      { name: 'lib32-glibc', version: '2:2.38-7.1', architecture: 'x86_64' },
    ],
    ['a-b-c-1-2-any.pkg.tar', { name: 'a-b-c', version: '1-2', architecture: 'any' }],
  ])('parses %s', (fileName, expected) => {
    expect(parsePackageFileName(fileName)).toEqual(expected);
  });

  it.each([
    'linux-6.6.1-1-x86_64.pkg.tar.zst.sig',
    'linux-6.6.1-1-x86_64.pkg.tar.zst.part',
    'linux-6.6.1-1-x86_64.pkg.tar.sig',
    'linux-6.6.1-1-x86_64.tar.zst',
    'linux-1-x86_64.pkg.tar.zst',
    '--root=-1-1-any.pkg.tar.zst',
    '.hidden-1-1-any.pkg.tar.zst',
    'x-.1-1-any.pkg.tar.zst',
    'x-1-1-x86 64.pkg.tar.zst',
    'README',
  ])('skips %s', (fileName) => {
    expect(parsePackageFileName(fileName)).toBeNull();
  });
});
