// The name and version rules of DESIGN.md §3. Every name and version that crosses the API is checked
// against them on the server (class-validator DTOs use the patterns and messages below) and again on the
// client before it reaches pacman, so a "package" such as `--root=/`, `-` (pacman then reads targets from
// stdin), `repo/name`, `name>=1`, a path or a URL can never become a pacman argument.
//
// Each pattern is the whole rule, length included, and is anchored with ^…$ and no `m` flag: in
// JavaScript `$` then matches only at the very end of the input, never before a trailing newline (unlike
// PCRE or Python), and no character class admits a newline anyway. No pattern has the `g` or `y` flag, so
// `test` keeps no `lastIndex` state between calls. Every quantified class excludes the character that
// follows it, so matching is linear and cannot backtrack catastrophically on hostile input.

/** makepkg allows longer names in theory; 255 is what a file name (and our database column) can hold. */
export const PACKAGE_NAME_MAX_LENGTH = 255;

/** ASCII letters, digits and `@ . _ + -`, not starting with `-` or `.`, 1 to 255 characters. */
export const PACKAGE_NAME_PATTERN = /^[A-Za-z0-9@_+][A-Za-z0-9@._+-]{0,254}$/;

export const PACKAGE_NAME_MESSAGE =
  'package name must be 1 to 255 ASCII letters, digits or "@ . _ + -", not starting with "-" or "."';

/**
 * pacman sets no limit; real versions stay far below 100 characters. 255 keeps the version within one
 * database column and a package file name `<name>-<version>-<arch>.pkg.tar.zst` within reach of the
 * 255-byte file name limit for ordinary names.
 */
export const PACKAGE_VERSION_MAX_LENGTH = 255;

// pkgver: printable ASCII (0x21-0x7e) except ':' (0x3a), '/' (0x2f) and '-' (0x2d); not starting with '.'.
const PKGVER_FIRST = '[\\x21-\\x2c\\x30-\\x39\\x3b-\\x7e]';
const PKGVER_REST = '[\\x21-\\x2c\\x2e\\x30-\\x39\\x3b-\\x7e]*';

/** `[epoch:]pkgver-pkgrel`: epoch digits, pkgver as makepkg allows it, pkgrel `N` or `N.N`. */
export const PACKAGE_VERSION_PATTERN = new RegExp(
  `^(?=.{1,${PACKAGE_VERSION_MAX_LENGTH}}$)(?:[0-9]+:)?${PKGVER_FIRST}${PKGVER_REST}-[0-9]+(?:\\.[0-9]+)?$`,
);

export const PACKAGE_VERSION_MESSAGE =
  'package version must be "[epoch:]pkgver-pkgrel" of at most 255 characters: epoch digits only; pkgver ' +
  'printable ASCII without ":", "/", "-" or whitespace, not starting with "."; pkgrel "N" or "N.N"';

/** Architectures are short identifiers: `x86_64`, `aarch64`, `armv7h`, `i686`, `any`, … */
export const ARCHITECTURE_MAX_LENGTH = 64;

export const ARCHITECTURE_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

export const ARCHITECTURE_MESSAGE = 'architecture must be 1 to 64 ASCII letters, digits or "_"';

/**
 * Real repository names (`core`, `extra-testing`, `chaotic-aur`, `cachyos-core-znver4`) are short; 128
 * leaves room for custom ones while `<name>.files.tar.gz` still fits a 255-byte file name.
 */
export const REPOSITORY_NAME_MAX_LENGTH = 128;

/**
 * A pacman.conf section name that can be a repository: ASCII letters, digits and `_ - .`, not starting
 * with `-` or `.` (the database file `<name>.db` would be hidden or look like an option), and not
 * `options`, which pacman reads as its own settings section. `local` is accepted: it is how reports mark
 * foreign packages (see FOREIGN_REPOSITORY).
 */
export const REPOSITORY_NAME_PATTERN = /^(?!options$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export const REPOSITORY_NAME_MESSAGE =
  'repository name must be 1 to 128 ASCII letters, digits or "_ - .", not starting with "-" or ".", ' +
  'and not "options"';

/**
 * A pacman.conf IgnorePkg or IgnoreGroup value, or a package group's name (%GROUPS%). pacman splits option
 * values at whitespace; real values are short ASCII words or globs (`linux*`, `xorg`, `base-devel`).
 */
export const PACMAN_CONF_VALUE_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const PACMAN_CONF_VALUE_MESSAGE = 'must be 1 to 255 printable ASCII characters without spaces';

export function isValidPacmanConfValue(value: unknown): value is string {
  return typeof value === 'string' && PACMAN_CONF_VALUE_PATTERN.test(value);
}

export type PackageRule = 'package_name' | 'package_version' | 'architecture' | 'repository_name';

const RULES: Readonly<Record<PackageRule, { pattern: RegExp; message: string }>> = {
  package_name: { pattern: PACKAGE_NAME_PATTERN, message: PACKAGE_NAME_MESSAGE },
  package_version: { pattern: PACKAGE_VERSION_PATTERN, message: PACKAGE_VERSION_MESSAGE },
  architecture: { pattern: ARCHITECTURE_PATTERN, message: ARCHITECTURE_MESSAGE },
  repository_name: { pattern: REPOSITORY_NAME_PATTERN, message: REPOSITORY_NAME_MESSAGE },
};

// Hostile values can be megabytes long or full of control characters: quote and cut them for messages.
const QUOTED_VALUE_MAX_LENGTH = 80;

function describeValue(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  const quoted = JSON.stringify(
    value.length > QUOTED_VALUE_MAX_LENGTH ? value.slice(0, QUOTED_VALUE_MAX_LENGTH) : value,
  );
  return value.length > QUOTED_VALUE_MAX_LENGTH ? `${quoted}… (${value.length} characters)` : quoted;
}

/** A name, version, architecture or repository name that breaks its rule. */
export class PackageRuleError extends Error {
  override readonly name = 'PackageRuleError';

  constructor(
    readonly rule: PackageRule,
    readonly value: unknown,
  ) {
    super(`invalid ${rule.replace('_', ' ')} ${describeValue(value)}: ${RULES[rule].message}`);
  }
}

function satisfies(rule: PackageRule, value: unknown): value is string {
  return typeof value === 'string' && RULES[rule].pattern.test(value);
}

function enforce(rule: PackageRule, value: unknown): asserts value is string {
  if (!satisfies(rule, value)) throw new PackageRuleError(rule, value);
}

export function isValidPackageName(value: unknown): value is string {
  return satisfies('package_name', value);
}

export function isValidPackageVersion(value: unknown): value is string {
  return satisfies('package_version', value);
}

export function isValidArchitecture(value: unknown): value is string {
  return satisfies('architecture', value);
}

export function isValidRepositoryName(value: unknown): value is string {
  return satisfies('repository_name', value);
}

export function assertValidPackageName(value: unknown): asserts value is string {
  enforce('package_name', value);
}

export function assertValidPackageVersion(value: unknown): asserts value is string {
  enforce('package_version', value);
}

export function assertValidArchitecture(value: unknown): asserts value is string {
  enforce('architecture', value);
}

export function assertValidRepositoryName(value: unknown): asserts value is string {
  enforce('repository_name', value);
}
