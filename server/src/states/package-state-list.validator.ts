import {
  PACKAGE_NAME_MESSAGE,
  PACKAGE_NAME_PATTERN,
  PACKAGE_VERSION_MESSAGE,
  PACKAGE_VERSION_PATTERN,
  REPOSITORY_NAME_MESSAGE,
  REPOSITORY_NAME_PATTERN,
} from '@pacman-sync/shared';

import { FieldError } from '../common/errors/api.exception';
import { DEPENDENCY_MAX_LENGTH, INSTALL_REASONS, MAX_DEPENDENCIES } from './dto/package-state.dto';

const PACKAGE_FIELDS = new Set([
  'package_name',
  'version',
  'repository',
  'installed_size',
  'dependencies',
  'install_reason',
]);
const INSTALL_REASON_SET = new Set<unknown>(INSTALL_REASONS);

/**
 * Checks a report's package list in one pass with the same rules (and class-validator's messages) as
 * PackageStateDto's decorators, which still describe the list in the OpenAPI document. Building 1,500
 * DTO instances and running their decorators was a third of a changed report's cost.
 */
export function packageStateListErrors(
  maxItems: number,
): (items: readonly unknown[], field: string) => FieldError[] {
  return (items, field) => {
    if (items.length > maxItems) {
      return [{ field, messages: [`${field} must contain no more than ${maxItems} elements`] }];
    }
    const errors: FieldError[] = [];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const path = `${field}.${index}`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        errors.push({ field: path, messages: [`each value in ${field} must be an object`] });
        continue;
      }
      packageErrors(item as Record<string, unknown>, path, errors);
    }
    return errors;
  };
}

function packageErrors(pkg: Record<string, unknown>, path: string, errors: FieldError[]): void {
  const fail = (name: string, messages: string[]) => {
    if (messages.length > 0) errors.push({ field: `${path}.${name}`, messages });
  };
  fail(
    'package_name',
    stringErrors('package_name', pkg.package_name, PACKAGE_NAME_PATTERN, PACKAGE_NAME_MESSAGE),
  );
  fail('version', stringErrors('version', pkg.version, PACKAGE_VERSION_PATTERN, PACKAGE_VERSION_MESSAGE));
  fail(
    'repository',
    stringErrors('repository', pkg.repository, REPOSITORY_NAME_PATTERN, REPOSITORY_NAME_MESSAGE),
  );
  fail('installed_size', installedSizeErrors(pkg.installed_size));
  fail('dependencies', dependencyErrors(pkg.dependencies));
  if (!INSTALL_REASON_SET.has(pkg.install_reason)) {
    fail('install_reason', [
      `install_reason must be one of the following values: ${INSTALL_REASONS.join(', ')}`,
    ]);
  }
  for (const key of Object.keys(pkg)) {
    if (!PACKAGE_FIELDS.has(key)) fail(key, [`property ${key} should not exist`]);
  }
}

function stringErrors(name: string, value: unknown, pattern: RegExp, message: string): string[] {
  if (typeof value !== 'string') return [`${name} must be a string`, message];
  return pattern.test(value) ? [] : [message];
}

// Like class-validator, every rule of a field is checked and each failing one reported (a string where a
// number belongs breaks IsInt, Min and Max alike); `each` rules on a non-array check the value itself.
function installedSizeErrors(value: unknown): string[] {
  const isNumber = typeof value === 'number';
  const messages: string[] = [];
  if (!isNumber || !Number.isInteger(value)) messages.push('installed_size must be an integer number');
  if (!isNumber || value < 0) messages.push('installed_size must not be less than 0');
  if (!isNumber || value > Number.MAX_SAFE_INTEGER) {
    messages.push(`installed_size must not be greater than ${Number.MAX_SAFE_INTEGER}`);
  }
  return messages;
}

function dependencyErrors(value: unknown): string[] {
  const isArray = Array.isArray(value);
  const entries: unknown[] = isArray ? value : [value];
  const messages: string[] = [];
  if (!isArray) messages.push('dependencies must be an array');
  if (!isArray || value.length > MAX_DEPENDENCIES) {
    messages.push(`dependencies must contain no more than ${MAX_DEPENDENCIES} elements`);
  }
  if (!entries.every((dependency) => typeof dependency === 'string')) {
    messages.push('each value in dependencies must be a string');
  }
  if (
    !entries.every(
      (dependency) => typeof dependency === 'string' && dependency.length <= DEPENDENCY_MAX_LENGTH,
    )
  ) {
    messages.push(
      `each value in dependencies must be shorter than or equal to ${DEPENDENCY_MAX_LENGTH} characters`,
    );
  }
  return messages;
}
