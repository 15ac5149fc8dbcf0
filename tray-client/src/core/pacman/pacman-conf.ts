/** What `pacman-conf` prints: the effective configuration after Include, $repo/$arch and --root. */
export interface PacmanConfDump {
  options: Map<string, string[]>;
  /** Repositories in configuration order (the order pacman searches them). */
  repositories: ConfiguredRepository[];
}

export interface ConfiguredRepository {
  name: string;
  /** Every Server, in order: pacman tries the next when one fails. */
  servers: string[];
  /** The repository's SigLevel as pacman-conf prints it (merged with the global one); empty: the global one. */
  sigLevel: string[];
}

export function parsePacmanConf(text: string): PacmanConfDump {
  const options = new Map<string, string[]>();
  const repositories: ConfiguredRepository[] = [];
  let current: Map<string, string[]> | null = null;
  let currentRepo: ConfiguredRepository | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      if (section[1] === 'options') {
        current = options;
        currentRepo = null;
      } else {
        currentRepo = { name: section[1], servers: [], sigLevel: [] };
        repositories.push(currentRepo);
        current = null;
      }
      continue;
    }
    const equals = line.indexOf('=');
    const key = (equals === -1 ? line : line.slice(0, equals)).trim();
    const value = equals === -1 ? '' : line.slice(equals + 1).trim();
    if (currentRepo) {
      if (key === 'Server') currentRepo.servers.push(value);
      else if (key === 'SigLevel') currentRepo.sigLevel.push(value);
    } else if (current) {
      current.set(key, [...(current.get(key) ?? []), value]);
    }
  }
  return { options, repositories };
}

export function confOption(dump: PacmanConfDump, key: string): string | null {
  return dump.options.get(key)?.[0] ?? null;
}

/** Every Architecture value, `auto` being the machine's own (as `uname -m` says it). */
export function confArchitectures(dump: PacmanConfDump, machine: string): string[] {
  const values = (dump.options.get('Architecture') ?? []).map((value) =>
    value === 'auto' ? machine : value,
  );
  return values.length > 0 ? [...new Set(values)] : [machine];
}

/** How strictly pacman checks a package file's signature. */
export interface PackageSigLevel {
  signature: 'never' | 'optional' | 'required';
  /** TrustAll accepts a valid signature from a key of unknown trust; TrustedOnly does not. */
  trust: 'all' | 'trusted';
}

const SIGNATURE_STRENGTH = { never: 0, optional: 1, required: 2 } as const;

/**
 * The package part of a SigLevel as pacman-conf prints it: normalised to `PackageNever`, or
 * `PackageOptional`/`PackageRequired` and `PackageTrustedOnly`/`PackageTrustAll` (pacman-conf prints the
 * merged level, so unprefixed or partial values in pacman.conf have already been resolved). No value at all
 * means libalpm was built without signature support: nothing is checked.
 */
export function packageSigLevel(values: readonly string[]): PackageSigLevel {
  if (values.includes('PackageRequired')) {
    return { signature: 'required', trust: values.includes('PackageTrustAll') ? 'all' : 'trusted' };
  }
  if (values.includes('PackageOptional')) {
    return { signature: 'optional', trust: values.includes('PackageTrustAll') ? 'all' : 'trusted' };
  }
  return { signature: 'never', trust: 'all' };
}

/** Whether checking with `level` is weaker than checking with `than`, in what it requires or whom it trusts. */
export function weakerSigLevel(level: PackageSigLevel, than: PackageSigLevel): boolean {
  if (SIGNATURE_STRENGTH[level.signature] < SIGNATURE_STRENGTH[than.signature]) return true;
  return than.signature !== 'never' && than.trust === 'trusted' && level.trust === 'all';
}

export function describeSigLevel(level: PackageSigLevel): string {
  if (level.signature === 'never') return 'Never';
  const signature = level.signature === 'required' ? 'Required' : 'Optional';
  return `${signature} ${level.trust === 'all' ? 'TrustAll' : 'TrustedOnly'}`;
}

/**
 * The package SigLevels pacman applies: each repository's own (for `pacman -S` and `-Sw`), and the ones
 * `pacman -U` uses for local files and for URLs. pacman-conf leaves out a level that is not set, and
 * libalpm then uses the global SigLevel.
 */
export function confSigLevels(dump: PacmanConfDump): {
  global: PackageSigLevel;
  localFile: PackageSigLevel;
  remoteFile: PackageSigLevel;
  repository: (name: string) => PackageSigLevel;
} {
  const global = dump.options.get('SigLevel') ?? [];
  const orGlobal = (values: readonly string[] | undefined) =>
    packageSigLevel(values && values.length > 0 ? values : global);
  return {
    global: packageSigLevel(global),
    localFile: orGlobal(dump.options.get('LocalFileSigLevel')),
    remoteFile: orGlobal(dump.options.get('RemoteFileSigLevel')),
    repository: (name) =>
      orGlobal(dump.repositories.find((repository) => repository.name === name)?.sigLevel),
  };
}
