// Reads back the PNG the tray fixture writes, with node:zlib only, so the e2e test can check the pixels
// a user would see without an image library. It reads what cairo writes (8-bit RGB or RGBA, not
// interlaced) and says clearly what it does not read.
import { crc32, inflateSync } from 'node:zlib';

export interface RgbaImage {
  width: number;
  height: number;
  /** Four bytes a pixel (red, green, blue, alpha), row after row. */
  pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG colour types this reader handles, with their bytes a pixel at bit depth 8. */
const CHANNELS: Record<number, number> = { 2: 3, 6: 4 };
/** Far larger than any window, small enough that a hostile header cannot make us allocate gigabytes. */
const MAX_SIDE = 16384;

interface Header {
  width: number;
  height: number;
  channels: number;
}

export function decodePng(file: Buffer): RgbaImage {
  if (file.length < SIGNATURE.length || !file.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new Error('not a PNG file (the signature is missing)');
  }
  let header: Header | null = null;
  const compressed: Buffer[] = [];
  let offset = SIGNATURE.length;
  for (;;) {
    if (offset + 8 > file.length) throw new Error('PNG file ends before its IEND chunk');
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const end = offset + 8 + length + 4;
    if (end > file.length) throw new Error(`PNG chunk ${type} is truncated`);
    const data = file.subarray(offset + 8, offset + 8 + length);
    if (crc32(file.subarray(offset + 4, offset + 8 + length)) !== file.readUInt32BE(end - 4)) {
      throw new Error(`PNG chunk ${type} is corrupt (CRC mismatch)`);
    }
    if (type === 'IHDR') header = readHeader(data);
    else if (type === 'IDAT') compressed.push(data);
    else if (type === 'IEND') break;
    offset = end;
  }
  if (!header) throw new Error('PNG file has no IHDR chunk');
  const { width, height, channels } = header;
  const stride = width * channels;
  const filtered = inflateSync(Buffer.concat(compressed));
  if (filtered.length !== height * (stride + 1)) {
    throw new Error(`PNG image data holds ${filtered.length} bytes, ${height * (stride + 1)} expected`);
  }
  const samples = unfilter(filtered, height, stride, channels);
  return { width, height, pixels: channels === 4 ? samples : opaqueRgba(samples) };
}

function readHeader(data: Buffer): Header {
  if (data.length !== 13) throw new Error('PNG IHDR chunk has the wrong length');
  const width = data.readUInt32BE(0);
  const height = data.readUInt32BE(4);
  const [depth, colourType, compression, filter, interlace] = data.subarray(8);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new Error(`PNG size ${width}x${height} is out of range`);
  }
  const channels = CHANNELS[colourType];
  if (depth !== 8 || !channels) {
    throw new Error(`PNG colour type ${colourType} at bit depth ${depth} is not read (8-bit RGB/RGBA only)`);
  }
  if (compression !== 0 || filter !== 0) throw new Error('PNG uses an unknown compression or filter method');
  if (interlace !== 0) throw new Error('interlaced PNG is not read');
  return { width, height, channels };
}

/** Undoes the per-row filters of PNG's filter method 0 (none, sub, up, average, Paeth). */
function unfilter(filtered: Buffer, height: number, stride: number, bytesPerPixel: number): Buffer {
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const type = filtered[y * (stride + 1)];
    const line = filtered.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= bytesPerPixel ? out[row + x - bytesPerPixel] : 0;
      const up = y > 0 ? out[row - stride + x] : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? out[row - stride + x - bytesPerPixel] : 0;
      let predictor: number;
      switch (type) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = left;
          break;
        case 2:
          predictor = up;
          break;
        case 3:
          predictor = (left + up) >> 1;
          break;
        case 4:
          predictor = paeth(left, up, upLeft);
          break;
        default:
          throw new Error(`PNG row ${y} has unknown filter type ${type}`);
      }
      out[row + x] = (line[x] + predictor) & 0xff;
    }
  }
  return out;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

function opaqueRgba(rgb: Buffer): Buffer {
  const rgba = Buffer.alloc((rgb.length / 3) * 4);
  for (let source = 0, target = 0; source < rgb.length; source += 3, target += 4) {
    rgb.copy(rgba, target, source, source + 3);
    rgba[target + 3] = 0xff;
  }
  return rgba;
}

export interface PaintStatistics {
  /** The most frequent colour, as 0xRRGGBBAA: the window's background. */
  background: number;
  /** Share (0..1) of pixels that differ from the background: text, lines, anything drawn on it. */
  inkShare: number;
  /** Share of fully opaque pixels: a surface nothing was painted on is transparent. */
  opaqueShare: number;
  distinctColours: number;
  /** Bands of consecutive pixel rows holding ink, separated by rows of pure background: lines of text. */
  inkBands: number;
}

export function paintStatistics(image: RgbaImage): PaintStatistics {
  const { width, height, pixels } = image;
  const counts = new Map<number, number>();
  let opaque = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const colour = pixels.readUInt32BE(i);
    counts.set(colour, (counts.get(colour) ?? 0) + 1);
    if (pixels[i + 3] === 0xff) opaque++;
  }
  let background = 0;
  let backgroundCount = -1;
  for (const [colour, count] of counts) {
    if (count > backgroundCount) [background, backgroundCount] = [colour, count];
  }
  let inkBands = 0;
  let previousRowHadInk = false;
  for (let y = 0; y < height; y++) {
    let rowHasInk = false;
    for (let x = 0; x < width && !rowHasInk; x++)
      rowHasInk = pixels.readUInt32BE((y * width + x) * 4) !== background;
    if (rowHasInk && !previousRowHadInk) inkBands++;
    previousRowHadInk = rowHasInk;
  }
  const total = width * height;
  return {
    background,
    inkShare: (total - backgroundCount) / total,
    opaqueShare: opaque / total,
    distinctColours: counts.size,
    inkBands,
  };
}
