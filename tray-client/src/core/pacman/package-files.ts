import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { isValidArchitecture, isValidPackageName, isValidPackageVersion } from '@pacman-sync/shared';

export interface PackageFile {
  name: string;
  /** `[epoch:]pkgver-pkgrel` */
  version: string;
  architecture: string;
  path: string;
}

const PACKAGE_FILE = /^(.+)-([^-]+)-([^-]+)-([^-]+)\.pkg\.tar(\.[A-Za-z0-9]+)?$/;

/** `<name>-<pkgver>-<pkgrel>-<arch>.pkg.tar[.<ext>]` → its parts, or null for anything else. */
export function parsePackageFileName(fileName: string): Omit<PackageFile, 'path'> | null {
  const match = PACKAGE_FILE.exec(fileName);
  if (!match) return null;
  const [, name, pkgver, pkgrel, architecture, extension] = match;
  if (extension === '.sig' || extension === '.part') return null;
  const version = `${pkgver}-${pkgrel}`;
  if (!isValidPackageName(name) || !isValidPackageVersion(version)) return null;
  if (!isValidArchitecture(architecture)) return null;
  return { name, version, architecture };
}

/** Package files in a cache directory; signatures, partial downloads and stray files are skipped. */
export function listPackageFiles(dir: string): PackageFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: PackageFile[] = [];
  for (const fileName of names.sort()) {
    const parsed = parsePackageFileName(fileName);
    if (parsed) files.push({ ...parsed, path: join(dir, fileName) });
  }
  return files;
}
