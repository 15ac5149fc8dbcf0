import {
  ARCHITECTURE_MESSAGE,
  ARCHITECTURE_PATTERN,
  exclusionPatternError,
  PACKAGE_NAME_MESSAGE,
  PACKAGE_NAME_PATTERN,
  PACKAGE_VERSION_MESSAGE,
  PACKAGE_VERSION_PATTERN,
  REPOSITORY_NAME_MESSAGE,
  REPOSITORY_NAME_PATTERN,
} from '@pacman-sync/shared';
import { Matches, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

// The rules themselves live in @pacman-sync/shared; these decorators only attach them to DTO fields.

export const IsPackageName = (options?: ValidationOptions) =>
  Matches(PACKAGE_NAME_PATTERN, { message: PACKAGE_NAME_MESSAGE, ...options });

export const IsPackageVersion = (options?: ValidationOptions) =>
  Matches(PACKAGE_VERSION_PATTERN, { message: PACKAGE_VERSION_MESSAGE, ...options });

export const IsArchitecture = (options?: ValidationOptions) =>
  Matches(ARCHITECTURE_PATTERN, { message: ARCHITECTURE_MESSAGE, ...options });

export const IsRepositoryName = (options?: ValidationOptions) =>
  Matches(REPOSITORY_NAME_PATTERN, { message: REPOSITORY_NAME_MESSAGE, ...options });

/** A content hash as @pacman-sync/shared computes it: `sha256:` and 64 lowercase hex digits. */
export const CONTENT_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const IsContentHash = (options?: ValidationOptions) =>
  Matches(CONTENT_HASH_PATTERN, {
    message: '$property must be "sha256:" followed by 64 lowercase hex digits',
    ...options,
  });

/** Each entry of an array must be a valid exclude_packages glob (shared's exclusionPatternError). */
export function IsExclusionPatternList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isExclusionPatternList',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) && value.every((pattern) => exclusionPatternError(pattern) === null),
        defaultMessage: (args) => {
          const patterns = Array.isArray(args?.value) ? (args.value as unknown[]) : [];
          const index = patterns.findIndex((pattern) => exclusionPatternError(pattern) !== null);
          if (index < 0) return `${args?.property} must be an array of glob patterns`;
          return `${args?.property}[${index}] ${exclusionPatternError(patterns[index])}`;
        },
      },
    });
  };
}

/**
 * For optional fields that must not be null: like @IsOptional() for an omitted field, but `null` is
 * validated (and refused) instead of skipped, so it never reaches a NOT NULL column as a 500.
 */
export const IsOmittable = () => ValidateIf((_object, value) => value !== undefined);
