// Which of an endpoint's repositories are Arch Linux's own, so that the Arch Linux Archive holds every
// version they ever shipped. Manjaro names its repositories `core` and `extra` too, but builds its own
// packages and serves them from its own mirrors; EndeavourOS and CachyOS add their own repositories (and
// CachyOS rebuilds Arch's packages under other repository names) beside Arch's. None of their builds is in
// the archive, so they must never count as available from it.
//
// The rule needs two things at once, both read from pacman.conf:
//   - the repository has one of Arch's official names, and
//   - its (first) server has the layout of Arch's mirrors, `…/<repo>/os/<arch>`, which Arch's mirrorlist
//     uses (`Server = https://mirror/archlinux/$repo/os/$arch`) and Manjaro's (`…/stable/$repo/$arch`),
//     EndeavourOS's (`…/repo/$repo/$arch`), CachyOS's (`…/$arch/$repo`) and Arch Linux ARM's
//     (`…/$arch/$repo`, not in the archive either) do not.
// A name alone cannot tell Arch's `core` from Manjaro's; a layout alone would take in a third-party
// repository that copied it. The distribution (/etc/os-release) is not used: an EndeavourOS or CachyOS
// machine does use Arch's own `core` and `extra`, and a Manjaro machine that adds Arch's mirrors gets Arch's
// builds from them. A private mirror or caching proxy that keeps the `/<repo>/os/<arch>` path counts; one
// that does not is not recognised, so the archive is then not offered (the safe side).

/** The names Arch Linux gives (and gave) its official repositories. */
export const ARCH_LINUX_REPOSITORY_NAMES: ReadonlySet<string> = new Set([
  'core',
  'extra',
  'multilib',
  'core-testing',
  'extra-testing',
  'multilib-testing',
  'core-staging',
  'extra-staging',
  'multilib-staging',
  'gnome-unstable',
  'kde-unstable',
  // Before the repository merge of May 2023:
  'testing',
  'community',
  'community-testing',
  'community-staging',
  'staging',
]);

const ARCHITECTURE_SEGMENT = /^[A-Za-z0-9_]{1,64}$/;
/** `scheme://authority/path`, capturing the path up to a query or fragment. */
const SERVER_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]*(\/[^?#\s]*)?(?:[?#]\S*)?$/;

/**
 * Whether a repository is one of Arch Linux's own: an official name served from a mirror with Arch's
 * `…/<repo>/os/<arch>` layout. `serverUrl` is the repository's first `Server`, as pacman-conf prints it
 * (`$repo` and `$arch` expanded).
 */
export function isArchLinuxRepository(name: string, serverUrl: string): boolean {
  if (!ARCH_LINUX_REPOSITORY_NAMES.has(name)) return false;
  // shared runs in the browser and on Node without either one's URL type in its library; this is all it needs.
  const url = SERVER_URL.exec(serverUrl);
  if (url === null) return false;
  const segments = (url[1] ?? '').split('/').filter((segment) => segment !== '');
  const [repo, os, arch] = segments.slice(-3);
  return segments.length >= 3 && repo === name && os === 'os' && ARCHITECTURE_SEGMENT.test(arch);
}
