import { PackageState } from '@pacman-sync/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { flattenValidationErrors } from '../common/validation';
import { PackageStateDto } from './dto/package-state.dto';
import { packageStateListErrors } from './package-state-list.validator';

const validate = packageStateListErrors(5);

const good: PackageState = {
  package_name: 'linux',
  version: '1:6.12.1.arch1-1',
  repository: 'core',
  installed_size: 1024,
  dependencies: ['glibc>=2.40', 'kmod'],
  install_reason: 'explicit',
};

/** What the element DTO's class-validator decorators say about one package, with its list path. */
function classValidatorErrors(pkg: Record<string, unknown>, path: string) {
  const errors = validateSync(plainToInstance(PackageStateDto, pkg), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return flattenValidationErrors(errors, path);
}

const hostilePackages: Array<Record<string, unknown>> = [
  { ...good, package_name: '--root=/' },
  { ...good, package_name: 42 },
  { ...good, version: '1.0' },
  { ...good, version: undefined },
  { ...good, repository: '-bad' },
  { ...good, repository: 'a'.repeat(129) },
  { ...good, repository: 'options' },
  { ...good, repository: null },
  { ...good, installed_size: -1 },
  { ...good, installed_size: 1.5 },
  { ...good, installed_size: '12' },
  { ...good, installed_size: Number.MAX_SAFE_INTEGER + 2 },
  { ...good, dependencies: 'glibc' },
  { ...good, dependencies: ['ok', 7] },
  { ...good, dependencies: ['x'.repeat(513)] },
  { ...good, dependencies: Array.from({ length: 2001 }, (_, i) => `d${i}`) },
  { ...good, install_reason: 'forced' },
  { ...good, extra: true, __proto_like: 1 },
  {},
];

describe('packageStateListErrors', () => {
  it('accepts valid packages', () => {
    expect(validate([good, { ...good, package_name: 'glibc', dependencies: [] }], 'packages')).toEqual([]);
  });

  it.each(hostilePackages.map((pkg, index) => [index, pkg]))(
    'names the same fields with the same messages as the DTO decorators (case %i)',
    (_index, pkg) => {
      const ours = validate([good, pkg], 'packages');
      const expected = classValidatorErrors(pkg, 'packages.1');
      expect(ours.length).toBeGreaterThan(0);
      const sorted = (fields: typeof ours) =>
        fields
          .map((field) => ({ field: field.field, messages: [...field.messages].sort() }))
          .sort((a, b) => a.field.localeCompare(b.field));
      expect(sorted(ours)).toEqual(sorted(expected));
    },
  );

  it('refuses elements that are not objects and lists longer than the maximum', () => {
    expect(validate([good, null, 'linux', [good]], 'packages').map((error) => error.field)).toEqual([
      'packages.1',
      'packages.2',
      'packages.3',
    ]);
    expect(
      validate(
        Array.from({ length: 6 }, () => good),
        'packages',
      ),
    ).toEqual([{ field: 'packages', messages: ['packages must contain no more than 5 elements'] }]);
  });
});
