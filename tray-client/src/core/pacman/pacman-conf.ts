/** What `pacman-conf` prints: the effective configuration after Include, $repo/$arch and --root. */
export interface PacmanConfDump {
  options: Map<string, string[]>;
  /** Repositories in configuration order (the order pacman searches them). */
  repositories: Array<{ name: string; servers: string[] }>;
}

export function parsePacmanConf(text: string): PacmanConfDump {
  const options = new Map<string, string[]>();
  const repositories: PacmanConfDump['repositories'] = [];
  let current: Map<string, string[]> | null = null;
  let currentRepo: { name: string; servers: string[] } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      if (section[1] === 'options') {
        current = options;
        currentRepo = null;
      } else {
        currentRepo = { name: section[1], servers: [] };
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
    } else if (current) {
      current.set(key, [...(current.get(key) ?? []), value]);
    }
  }
  return { options, repositories };
}

export function confOption(dump: PacmanConfDump, key: string): string | null {
  return dump.options.get(key)?.[0] ?? null;
}
