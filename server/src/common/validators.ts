import {
  ARCHITECTURE_MESSAGE,
  ARCHITECTURE_PATTERN,
  exclusionPatternError,
  PACKAGE_NAME_MESSAGE,
  PACKAGE_NAME_PATTERN,
  PACKAGE_VERSION_MESSAGE,
  PACKAGE_VERSION_PATTERN,
  PACMAN_CONF_VALUE_MESSAGE,
  PACMAN_CONF_VALUE_PATTERN,
  REPOSITORY_NAME_MESSAGE,
  REPOSITORY_NAME_PATTERN,
} from '@pacman-sync/shared';
import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID, Matches, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

// The rules themselves live in @pacman-sync/shared; these decorators only attach them to DTO fields.

export const IsPackageName = (options?: ValidationOptions) =>
  Matches(PACKAGE_NAME_PATTERN, { message: PACKAGE_NAME_MESSAGE, ...options });

export const IsPackageVersion = (options?: ValidationOptions) =>
  Matches(PACKAGE_VERSION_PATTERN, { message: PACKAGE_VERSION_MESSAGE, ...options });

export const IsArchitecture = (options?: ValidationOptions) =>
  Matches(ARCHITECTURE_PATTERN, { message: ARCHITECTURE_MESSAGE, ...options });

export const IsRepositoryName = (options?: ValidationOptions) =>
  Matches(REPOSITORY_NAME_PATTERN, { message: REPOSITORY_NAME_MESSAGE, ...options });

export const IsPacmanConfValue = (options?: ValidationOptions) =>
  Matches(PACMAN_CONF_VALUE_PATTERN, { message: `$property ${PACMAN_CONF_VALUE_MESSAGE}`, ...options });

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

const lowerCaseUuids = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value.toLowerCase()
    : Array.isArray(value)
      ? value.map((item) => (typeof item === 'string' ? item.toLowerCase() : item))
      : value;

/**
 * A UUID (or, with `each`, an array of them), lower-cased: PostgreSQL's uuid type ignores case and SQLite's
 * text does not, so without this an upper-case id found a row on one engine and not on the other.
 */
export function IsUuid(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(Transform(lowerCaseUuids), IsUUID(undefined, options)) as PropertyDecorator;
}

/**
 * Names shown in lists, menus and logs (pools, endpoints): not blank, on one line, without control
 * characters, and without the bidirectional controls that make `evil\u202egnp.exe` display as
 * `evilexe.png` (the "Trojan Source" trick). Descriptions and messages follow only the global text rule.
 */
export const NAME_PATTERN =
  // eslint-disable-next-line no-control-regex
  /^(?=[\s\S]*\S)[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+$/;
export const IsName = (options?: ValidationOptions) =>
  Matches(NAME_PATTERN, {
    message:
      '$property must not be blank and must be one line without control characters or ' +
      'right-to-left overrides',
    ...options,
  });
