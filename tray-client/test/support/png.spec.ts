// The PNG reader the tray e2e test checks its screenshot with: the filters decoded by hand-computed
// examples, and every file it cannot read refused with a reason.
import { crc32, deflateSync } from 'node:zlib';

import { decodePng, paintStatistics, RgbaImage } from './png';

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG file from already filtered rows (each starting with its filter type byte). */
function pngFile(
  size: { width: number; height: number },
  rows: number[][],
  header: { depth?: number; colourType?: number; interlace?: number } = {},
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size.width, 0);
  ihdr.writeUInt32BE(size.height, 4);
  ihdr.set([header.depth ?? 8, header.colourType ?? 6, 0, 0, header.interlace ?? 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows.flat()))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function pixelsOf(image: RgbaImage): number[][] {
  const pixels: number[][] = [];
  for (let i = 0; i < image.pixels.length; i += 4) pixels.push([...image.pixels.subarray(i, i + 4)]);
  return pixels;
}

// Two RGBA rows: "sub" adds the pixel to the left; "Paeth" picks, per byte, whichever of left, up and
// up-left is closest to left + up - up-left (here "up" for the colour of the second pixel).
const RGBA_2X2 = pngFile({ width: 2, height: 2 }, [
  [1, 10, 20, 30, 255, 5, 5, 5, 0],
  [4, 1, 1, 1, 0, 2, 2, 2, 0],
]);

describe('decodePng', () => {
  it('undoes the sub and Paeth filters of an RGBA image', () => {
    const image = decodePng(RGBA_2X2);
    expect({ width: image.width, height: image.height }).toEqual({ width: 2, height: 2 });
    expect(pixelsOf(image)).toEqual([
      [10, 20, 30, 255],
      [15, 25, 35, 255],
      [11, 21, 31, 255],
      [17, 27, 37, 255],
    ]);
  });

  it('undoes the none, average and up filters of an RGB image (wrapping at 256) and makes it opaque', () => {
    const file = pngFile(
      { width: 2, height: 3 },
      [
        [0, 100, 0, 50, 200, 10, 60],
        [3, 0, 0, 0, 10, 10, 10],
        [2, 1, 2, 3, 255, 0, 0],
      ],
      { colourType: 2 },
    );
    expect(pixelsOf(decodePng(file))).toEqual([
      [100, 0, 50, 255],
      [200, 10, 60, 255],
      [50, 0, 25, 255],
      [135, 15, 52, 255],
      [51, 2, 28, 255],
      [134, 15, 52, 255],
    ]);
  });

  it.each([
    ['a file that is not a PNG', Buffer.from('GIF89a, not a PNG at all'), 'not a PNG file'],
    ['a file cut short', RGBA_2X2.subarray(0, RGBA_2X2.length - 20), 'is truncated'],
    ['a file without IEND', RGBA_2X2.subarray(0, RGBA_2X2.length - 12), 'ends before its IEND'],
    [
      'a corrupt chunk',
      Buffer.from(RGBA_2X2.map((byte, index) => (index === 45 ? byte ^ 0xff : byte))),
      'CRC mismatch',
    ],
    [
      '16-bit samples',
      pngFile({ width: 1, height: 1 }, [[0, 0, 0, 0, 0, 0, 0, 0, 0]], { depth: 16 }),
      'bit depth 16 is not read',
    ],
    [
      'a palette image',
      pngFile({ width: 1, height: 1 }, [[0, 0]], { colourType: 3 }),
      'colour type 3 at bit depth 8 is not read',
    ],
    [
      'an interlaced image',
      pngFile({ width: 1, height: 1 }, [[0, 1, 2, 3, 4]], { interlace: 1 }),
      'interlaced PNG is not read',
    ],
    ['an absurd size', pngFile({ width: 100000, height: 1 }, [[0]]), 'size 100000x1 is out of range'],
    ['an empty image', pngFile({ width: 0, height: 1 }, [[0]]), 'size 0x1 is out of range'],
    [
      'image data of the wrong length',
      pngFile({ width: 2, height: 2 }, [[0, 1, 2, 3, 4, 5, 6, 7, 8]]),
      'holds 9 bytes, 18 expected',
    ],
    [
      'an unknown filter type',
      pngFile({ width: 1, height: 1 }, [[7, 1, 2, 3, 4]]),
      'row 0 has unknown filter type 7',
    ],
  ])('refuses %s with a reason', (_case, file, reason) => {
    expect(() => decodePng(file)).toThrow(reason);
  });
});

describe('paintStatistics', () => {
  it('finds the background, the ink, transparency and the bands of rows holding ink', () => {
    const white = [255, 255, 255, 255];
    const grey = [128, 128, 128, 255];
    const clear = [0, 0, 0, 0];
    // 3 wide, 5 high: ink on rows 1 and 3, a transparent pixel on row 3, rows 0, 2 and 4 blank.
    const rows = [
      [white, white, white],
      [white, grey, grey],
      [white, white, white],
      [grey, clear, white],
      [white, white, white],
    ];
    const image = { width: 3, height: 5, pixels: Buffer.from(rows.flat(2)) };
    expect(paintStatistics(image)).toEqual({
      background: 0xffffffff,
      inkShare: 4 / 15,
      opaqueShare: 14 / 15,
      distinctColours: 3,
      inkBands: 2,
    });
  });
});
