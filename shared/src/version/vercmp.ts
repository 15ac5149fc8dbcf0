// pacman's version comparison (libalpm `alpm_pkg_vercmp`, lib/libalpm/version.c of pacman 6), ported
// character for character so that the server, the client and the real `vercmp` binary never disagree
// about upgrade versus downgrade. The differential test (vercmp.oracle.spec.ts) holds it to the binary.
//
// It runs on a hot path (plans compare thousands of versions), so it walks char codes over index ranges
// of the original strings: no substrings, no regular expressions, no allocation per call.

/** -1: `a` is older than `b`, 0: pacman considers them equal, 1: `a` is newer. */
export type VersionOrder = -1 | 0 | 1;

const OTHER = 0;
const DIGIT = 1;
const ALPHA = 2;

// C's isdigit/isalpha in the "C" locale: ASCII only. Every other character (including all non-ASCII)
// is a separator, exactly as for libalpm, which never calls setlocale for these checks.
const ASCII_CLASS = new Uint8Array(128);
for (let code = 48; code <= 57; code++) ASCII_CLASS[code] = DIGIT;
for (let code = 65; code <= 90; code++) ASCII_CLASS[code] = ALPHA;
for (let code = 97; code <= 122; code++) ASCII_CLASS[code] = ALPHA;

const CODE_ZERO = 48;
const CODE_COLON = 58;
const IMPLICIT_EPOCH = '0';

function classOf(code: number): number {
  return code < 128 ? ASCII_CLASS[code] : OTHER;
}

// libalpm measures separator runs in bytes of the UTF-8 argument, so a non-ASCII separator weighs what
// its UTF-8 encoding weighs. A surrogate pair is 4 bytes: 2 per UTF-16 unit.
function utf8Bytes(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800 || (code >= 0xd800 && code <= 0xdfff)) return 2;
  return 3;
}

/**
 * rpmvercmp over `a[aIndex, aEnd)` and `b[bIndex, bEnd)`: alternating runs of ASCII digits or letters,
 * split by runs of anything else.
 */
function compareSegments(
  a: string,
  aIndex: number,
  aEnd: number,
  b: string,
  bIndex: number,
  bEnd: number,
): VersionOrder {
  while (aIndex < aEnd && bIndex < bEnd) {
    let aSeparatorBytes = 0;
    let aCode = a.charCodeAt(aIndex);
    while (classOf(aCode) === OTHER) {
      aSeparatorBytes += utf8Bytes(aCode);
      if (++aIndex === aEnd) break;
      aCode = a.charCodeAt(aIndex);
    }
    let bSeparatorBytes = 0;
    let bCode = b.charCodeAt(bIndex);
    while (classOf(bCode) === OTHER) {
      bSeparatorBytes += utf8Bytes(bCode);
      if (++bIndex === bEnd) break;
      bCode = b.charCodeAt(bIndex);
    }
    if (aIndex === aEnd || bIndex === bEnd) break;

    // Differing separator lengths decide on their own, before the segments are looked at.
    if (aSeparatorBytes !== bSeparatorBytes) return aSeparatorBytes < bSeparatorBytes ? -1 : 1;

    const aStart = aIndex;
    const bStart = bIndex;
    // The type of the segment is the type of a's segment; b's segment of that type may be empty.
    const segmentClass = classOf(aCode);
    do aIndex++;
    while (aIndex < aEnd && classOf(a.charCodeAt(aIndex)) === segmentClass);
    while (bIndex < bEnd && classOf(b.charCodeAt(bIndex)) === segmentClass) bIndex++;

    // A number beats letters; letters lose to a number.
    if (bIndex === bStart) return segmentClass === DIGIT ? 1 : -1;

    let aFrom = aStart;
    let bFrom = bStart;
    if (segmentClass === DIGIT) {
      // Compared as decimal strings without leading zeros, longer is larger: no precision limit.
      while (aFrom < aIndex && a.charCodeAt(aFrom) === CODE_ZERO) aFrom++;
      while (bFrom < bIndex && b.charCodeAt(bFrom) === CODE_ZERO) bFrom++;
      const aDigits = aIndex - aFrom;
      const bDigits = bIndex - bFrom;
      if (aDigits !== bDigits) return aDigits > bDigits ? 1 : -1;
    }
    // strcmp of the two segments: first differing character, else the shorter one is smaller.
    while (aFrom < aIndex && bFrom < bIndex) {
      const difference = a.charCodeAt(aFrom) - b.charCodeAt(bFrom);
      if (difference !== 0) return difference < 0 ? -1 : 1;
      aFrom++;
      bFrom++;
    }
    if (aFrom < aIndex) return 1;
    if (bFrom < bIndex) return -1;
  }

  const aDone = aIndex >= aEnd;
  const bDone = bIndex >= bEnd;
  if (aDone && bDone) return 0;
  // libalpm's "final showdown": a remaining letter run never beats the end of the other version.
  if (aDone ? classOf(b.charCodeAt(bIndex)) !== ALPHA : classOf(a.charCodeAt(aIndex)) === ALPHA) return -1;
  return 1;
}

/**
 * Compare two `[epoch:]pkgver[-pkgrel]` strings with pacman 6's `vercmp` semantics.
 *
 * 0 does NOT mean "the same version": `1.0_1`/`1.0.1`, `001`/`1` and `1.0`/`1.0-5` all compare equal
 * (pkgrel counts only when both sides have one). Decide "in sync" by string equality; use this only
 * to tell an upgrade from a downgrade.
 *
 * C strings end at the first NUL while JS strings do not, so an input containing `\0` has no pacman
 * meaning; validated versions (see package-rules) never contain one.
 */
export function vercmp(a: string, b: string): VersionOrder {
  if (a === b) return 0;

  const aLength = a.length;
  let aEpochEnd = 0;
  while (aEpochEnd < aLength && classOf(a.charCodeAt(aEpochEnd)) === DIGIT) aEpochEnd++;
  const aHasEpoch = aEpochEnd < aLength && a.charCodeAt(aEpochEnd) === CODE_COLON;

  const bLength = b.length;
  let bEpochEnd = 0;
  while (bEpochEnd < bLength && classOf(b.charCodeAt(bEpochEnd)) === DIGIT) bEpochEnd++;
  const bHasEpoch = bEpochEnd < bLength && b.charCodeAt(bEpochEnd) === CODE_COLON;

  if (aHasEpoch || bHasEpoch) {
    // A missing or empty epoch is "0".
    const aEpoch = aHasEpoch && aEpochEnd > 0;
    const bEpoch = bHasEpoch && bEpochEnd > 0;
    const order = compareSegments(
      aEpoch ? a : IMPLICIT_EPOCH,
      0,
      aEpoch ? aEpochEnd : 1,
      bEpoch ? b : IMPLICIT_EPOCH,
      0,
      bEpoch ? bEpochEnd : 1,
    );
    if (order !== 0) return order;
  }

  // pkgrel starts after the last '-'; pkgver runs from after the epoch's ':' up to it.
  const aVersionStart = aHasEpoch ? aEpochEnd + 1 : 0;
  const bVersionStart = bHasEpoch ? bEpochEnd + 1 : 0;
  const aReleaseDash = a.lastIndexOf('-');
  const bReleaseDash = b.lastIndexOf('-');
  const aVersionEnd = aReleaseDash < 0 ? aLength : aReleaseDash;
  const bVersionEnd = bReleaseDash < 0 ? bLength : bReleaseDash;

  const order = compareSegments(a, aVersionStart, aVersionEnd, b, bVersionStart, bVersionEnd);
  if (order !== 0 || aReleaseDash < 0 || bReleaseDash < 0) return order;
  return compareSegments(a, aReleaseDash + 1, aLength, b, bReleaseDash + 1, bLength);
}
