/** A config file problem, always one line naming the file, the line and the key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface IniEntry {
  section: string;
  key: string;
  value: string;
  line: number;
}

/**
 * The small INI dialect of client.conf: `[section]`, `key = value`, whole-line comments starting with
 * `;` or `#`, no interpolation, no continuation lines. Values keep inner spaces and are not unquoted, so
 * what the administrator wrote is exactly what is used. Inline comments are not recognised because URLs
 * and API keys may contain `;` and `#`.
 */
export interface IniDocument {
  sections: Array<{ name: string; line: number }>;
  entries: IniEntry[];
}

export function parseIni(text: string, file: string): IniDocument {
  const sections: IniDocument['sections'] = [];
  const entries: IniEntry[] = [];
  const seen = new Set<string>();
  let section: string | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) return;
    if (trimmed.startsWith('[')) {
      const match = /^\[\s*([A-Za-z0-9_.-]+)\s*\]$/.exec(trimmed);
      if (!match)
        throw new ConfigError(`${file}:${line}: malformed section header ${JSON.stringify(trimmed)}`);
      section = match[1];
      sections.push({ name: section, line });
      return;
    }
    const equals = trimmed.indexOf('=');
    if (equals <= 0) {
      throw new ConfigError(`${file}:${line}: expected "key = value", got ${JSON.stringify(trimmed)}`);
    }
    const key = trimmed.slice(0, equals).trim();
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
      throw new ConfigError(`${file}:${line}: malformed key ${JSON.stringify(key)}`);
    }
    if (section === null) throw new ConfigError(`${file}:${line}: key "${key}" appears before any [section]`);
    const qualified = `${section}.${key}`;
    if (seen.has(qualified)) throw new ConfigError(`${file}:${line}: [${section}] ${key} is set twice`);
    seen.add(qualified);
    entries.push({ section, key, value: trimmed.slice(equals + 1).trim(), line });
  });
  return { sections, entries };
}
