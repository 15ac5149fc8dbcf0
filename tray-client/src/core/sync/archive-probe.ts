import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What a look at one archive URL found: `unknown` when the archive could not be asked (no answer, 5xx). */
export type Presence = 'present' | 'absent' | 'unknown';

export type UrlProbe = (url: string) => Promise<Presence>;

const PROBE_TIMEOUT_MS = 15_000;

/**
 * Whether a file exists at an archive URL: `file:` by the file system, `http(s):` by a HEAD request
 * (redirects followed, as the Arch Linux Archive redirects to its mirrors). Only 404 and 410 count as
 * absent: anything else may be this client's network (a proxy pacman is configured for, say), so the
 * caller then leaves the download to pacman.
 */
export async function probeUrl(url: string): Promise<Presence> {
  if (url.startsWith('file:')) {
    try {
      return existsSync(fileURLToPath(url)) ? 'present' : 'absent';
    } catch {
      return 'unknown';
    }
  }
  if (!url.startsWith('http:') && !url.startsWith('https:')) return 'unknown';
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'follow',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (response.ok) return 'present';
    return response.status === 404 || response.status === 410 ? 'absent' : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The first candidate the archive has, in order. A candidate the archive could not be asked about is taken
 * as it is (pacman may reach it where this client cannot); null when the archive certainly has none.
 */
export async function firstPresent(candidates: readonly string[], probe: UrlProbe): Promise<string | null> {
  for (const candidate of candidates) {
    const presence = await probe(candidate);
    if (presence === 'present') return candidate;
    if (presence === 'unknown') return candidate;
  }
  return null;
}
