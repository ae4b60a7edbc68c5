// PDQ perceptual hash (Meta ThreatExchange), written from the published algorithm:
// luminance -> Jarosz tent filter (two box passes per axis) -> 64x64 decimation ->
// 16x16 DCT (frequencies 1..16) -> threshold at the median. Quality is the gradient sum
// of the 64x64 image.
//
// Every intermediate is rounded to 32-bit float exactly where the reference's C++ uses
// `float`, so that the same decoded pixels give the same 256 bits. That is why this file
// stores into Float32Array and calls Math.fround instead of using JavaScript doubles.

export const PDQ_BITS = 256
/** Images with either side smaller than this have no usable hash (reference MIN_HASHABLE_DIM). */
export const PDQ_MIN_DIMENSION = 5
/** The reference hasher first resizes any image wider or taller than this to a square of this size. */
export const PDQ_REFERENCE_DOWNSAMPLE = 512

/** A 256-bit PDQ hash as 64 lowercase hex digits, in the reference's printed order. */
export type PdqHex = string

export type Dihedral =
  | 'original'
  | 'rotate90'
  | 'rotate180'
  | 'rotate270'
  | 'flipX'
  | 'flipY'
  | 'flipPlus1'
  | 'flipMinus1'

export const DIHEDRALS: readonly Dihedral[] = [
  'original',
  'rotate90',
  'rotate180',
  'rotate270',
  'flipX',
  'flipY',
  'flipPlus1',
  'flipMinus1',
]

export interface DecodedPixels {
  /** Interleaved 8-bit samples, row-major. */
  data: Uint8Array
  width: number
  height: number
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (alpha ignored, as the reference does). */
  channels: number
}

export interface PdqResult {
  hash: PdqHex
  /** 0..100; under 50 the reference advises not to match on the hash. */
  quality: number
}

export interface PdqDihedralResult extends PdqResult {
  variants: Record<Dihedral, PdqHex>
}

export interface PdqOptions {
  /**
   * 'reference' (default) resizes images over 512 px to 512x512 by nearest neighbour, as the
   * reference pdq-photo-hasher does before filtering; 'full' filters the full-resolution image.
   */
  downsample?: 'reference' | 'full'
}

const f = Math.fround
const LUMA_R = f(0.299)
const LUMA_G = f(0.587)
const LUMA_B = f(0.114)

// Each channel's float product for every 8-bit value, so a pixel costs three lookups.
const lumaTable = (coefficient: number) => Float32Array.from({ length: 256 }, (_, v) => f(coefficient * v))
const LUMA_R_TABLE = lumaTable(LUMA_R)
const LUMA_G_TABLE = lumaTable(LUMA_G)
const LUMA_B_TABLE = lumaTable(LUMA_B)

/** Row i (frequency i+1), column j: scale * cos(pi/128 * (i+1) * (2j+1)), rounded to float. */
const DCT_16x64: Float32Array = (() => {
  const m = new Float32Array(16 * 64)
  const scale = f(Math.sqrt(2 / 64))
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      m[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1))
    }
  }
  return m
})()

/**
 * Luminance of each pixel, optionally resampled by nearest neighbour to `outWidth` x `outHeight`
 * (source index floor(x * width / outWidth), which is how the reference's image library resizes).
 */
export function luminance(
  pixels: DecodedPixels,
  outWidth = pixels.width,
  outHeight = pixels.height,
): Float32Array {
  const { data, width, height, channels } = pixels
  const out = new Float32Array(outWidth * outHeight)
  const colour = channels >= 3
  const sourceCols = new Int32Array(outWidth)
  for (let x = 0; x < outWidth; x++) sourceCols[x] = Math.floor((x * width) / outWidth) * channels
  let o = 0
  for (let y = 0; y < outHeight; y++) {
    const rowBase = Math.floor((y * height) / outHeight) * width * channels
    if (colour) {
      for (let x = 0; x < outWidth; x++) {
        const p = rowBase + (sourceCols[x] as number)
        // Storing into the Float32Array performs the last rounding to float.
        out[o++] =
          f((LUMA_R_TABLE[data[p] as number] as number) + (LUMA_G_TABLE[data[p + 1] as number] as number)) +
          (LUMA_B_TABLE[data[p + 2] as number] as number)
      }
    } else {
      for (let x = 0; x < outWidth; x++) out[o++] = data[rowBase + (sourceCols[x] as number)] as number
    }
  }
  return out
}

/** Window of one box pass: the image side divided by 128 (2 passes x 64 cells), rounded up. */
export function jaroszWindow(dimension: number): number {
  return Math.floor((dimension + 2 * 64 - 1) / (2 * 64))
}

/**
 * One centred box filter along a row (stride 1), with the window shrinking at the edges
 * rather than padding, so edge pixels are averaged over fewer samples.
 */
function boxRow(input: Float32Array, output: Float32Array, start: number, length: number, window: number) {
  const half = Math.floor((window + 2) / 2)
  let sum = 0
  let count = 0
  let ri = start
  let li = start
  let oi = start
  for (let i = 0; i < half - 1; i++) {
    sum = f(sum + (input[ri++] as number))
    count++
  }
  for (let i = 0; i < window - half + 1; i++) {
    sum = f(sum + (input[ri++] as number))
    count++
    output[oi++] = sum / count
  }
  for (let i = 0; i < length - window; i++) {
    sum = f(sum + (input[ri++] as number))
    sum = f(sum - (input[li++] as number))
    output[oi++] = sum / count
  }
  for (let i = 0; i < half - 1; i++) {
    sum = f(sum - (input[li++] as number))
    count--
    output[oi++] = sum / count
  }
}

/**
 * The same box filter down every column at once, sweeping rows so memory is read in order.
 * Each column's arithmetic is in the same order as a per-column pass, so results are identical.
 * `sums` is a Float32Array so every accumulation rounds to float as in the reference.
 */
function boxColumns(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number) {
  const half = Math.floor((window + 2) / 2)
  const sums = new Float32Array(cols)
  let count = 0
  let ri = 0
  let li = 0
  let oi = 0
  // Phase 1: accumulate the first half window without writing.
  for (let i = 0; i < half - 1; i++, ri += cols, count++) {
    for (let j = 0; j < cols; j++) sums[j] = (sums[j] as number) + (input[ri + j] as number)
  }
  // Phase 2: growing window.
  for (let i = 0; i < window - half + 1; i++, ri += cols, oi += cols) {
    count++
    for (let j = 0; j < cols; j++) {
      sums[j] = (sums[j] as number) + (input[ri + j] as number)
      output[oi + j] = (sums[j] as number) / count
    }
  }
  // Phase 3: full window sliding.
  for (let i = 0; i < rows - window; i++, ri += cols, li += cols, oi += cols) {
    for (let j = 0; j < cols; j++) {
      // Two separate float roundings, as the reference adds then subtracts.
      sums[j] = (sums[j] as number) + (input[ri + j] as number)
      sums[j] = (sums[j] as number) - (input[li + j] as number)
      output[oi + j] = (sums[j] as number) / count
    }
  }
  // Phase 4: shrinking window.
  for (let i = 0; i < half - 1; i++, li += cols, oi += cols) {
    count--
    for (let j = 0; j < cols; j++) {
      sums[j] = (sums[j] as number) - (input[li + j] as number)
      output[oi + j] = (sums[j] as number) / count
    }
  }
}

/** Tent filter: two passes of (box along rows, box along columns), in place in `a`. */
export function jaroszFilter(a: Float32Array, b: Float32Array, rows: number, cols: number) {
  const rowWindow = jaroszWindow(cols)
  const colWindow = jaroszWindow(rows)
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < rows; i++) boxRow(a, b, i * cols, cols, rowWindow)
    boxColumns(b, a, rows, cols, colWindow)
  }
}

/** Sample the filtered image at the centres of a 64x64 grid. */
export function decimate64(input: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(64 * 64)
  for (let i = 0; i < 64; i++) {
    const si = Math.trunc(((i + 0.5) * rows) / 64)
    for (let j = 0; j < 64; j++) {
      const sj = Math.trunc(((j + 0.5) * cols) / 64)
      out[i * 64 + j] = input[si * cols + sj] as number
    }
  }
  return out
}

const centres = (n: number) => Int32Array.from({ length: 64 }, (_, i) => Math.trunc(((i + 0.5) * n) / 64))

/**
 * The same result as jaroszFilter then decimate64, with less work: the last column pass runs
 * only down the 64 sampled columns and keeps only the 64 sampled rows. Every column's running
 * sum is independent of the others, so the sampled values are bit for bit the same.
 * `luma` is overwritten.
 */
export function filterAndDecimate(luma: Float32Array, rows: number, cols: number): Float32Array {
  const rowWindow = jaroszWindow(cols)
  const window = jaroszWindow(rows)
  const scratch = new Float32Array(rows * cols)
  for (let i = 0; i < rows; i++) boxRow(luma, scratch, i * cols, cols, rowWindow)
  boxColumns(scratch, luma, rows, cols, window)
  for (let i = 0; i < rows; i++) boxRow(luma, scratch, i * cols, cols, rowWindow)

  const sampleCols = centres(cols)
  const sampleRows = centres(rows)
  const grid = new Float32Array(64 * 64)
  const sums = new Float32Array(64)
  const half = Math.floor((window + 2) / 2)
  let count = 0
  let ri = 0 // row added next
  let li = 0 // row subtracted next
  let out = 0 // row of the output being written
  let next = 0 // next sampled row to fill
  const add = (row: number) => {
    const base = row * cols
    for (let k = 0; k < 64; k++)
      sums[k] = (sums[k] as number) + (scratch[base + (sampleCols[k] as number)] as number)
  }
  const subtract = (row: number) => {
    const base = row * cols
    for (let k = 0; k < 64; k++)
      sums[k] = (sums[k] as number) - (scratch[base + (sampleCols[k] as number)] as number)
  }
  const emit = () => {
    while (next < 64 && sampleRows[next] === out) {
      for (let k = 0; k < 64; k++) grid[next * 64 + k] = (sums[k] as number) / count
      next++
    }
    out++
  }
  for (let i = 0; i < half - 1; i++) {
    add(ri++)
    count++
  }
  for (let i = 0; i < window - half + 1; i++) {
    add(ri++)
    count++
    emit()
  }
  for (let i = 0; i < rows - window; i++) {
    add(ri++)
    subtract(li++)
    emit()
  }
  for (let i = 0; i < half - 1; i++) {
    subtract(li++)
    count--
    emit()
  }
  return grid
}

/** Gradient-sum quality heuristic, 0..100, with the reference's integer truncations. */
export function qualityOf(grid: Float32Array): number {
  let sum = 0
  const step = (u: number, v: number) => {
    const d = Math.trunc(f(f(f(u - v) * 100) / 255))
    sum += Math.abs(d)
  }
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) step(grid[i * 64 + j] as number, grid[(i + 1) * 64 + j] as number)
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) step(grid[i * 64 + j] as number, grid[i * 64 + j + 1] as number)
  }
  return Math.min(100, Math.trunc(sum / 90))
}

/** B = D A D^T for the 16 lowest non-DC frequencies, summed in float in the reference's order. */
function dct16(grid: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64)
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0
      for (let k = 0; k < 64; k++)
        s = f(s + f((DCT_16x64[i * 64 + k] as number) * (grid[k * 64 + j] as number)))
      t[i * 64 + j] = s
    }
  }
  const out = new Float32Array(256)
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0
      for (let k = 0; k < 64; k++) s = f(s + f((t[i * 64 + k] as number) * (DCT_16x64[j * 64 + k] as number)))
      out[i * 16 + j] = s
    }
  }
  return out
}

/**
 * Bit i*16+j is set when coefficient (i, j) exceeds the median (the 128th smallest of 256).
 * Printed as 16-bit words from the highest to the lowest, as the reference formats hashes.
 */
export function bitsFromDct(coefficients: Float32Array): PdqHex {
  const median = Float32Array.from(coefficients).sort()[127] as number
  const words = new Uint16Array(16)
  for (let k = 0; k < 256; k++) {
    if ((coefficients[k] as number) > median) words[k >> 4] = (words[k >> 4] as number) | (1 << (k & 15))
  }
  let hex = ''
  for (let w = 15; w >= 0; w--) hex += (words[w] as number).toString(16).padStart(4, '0')
  return hex
}

// A flip of the image negates odd-numbered DCT frequencies along that axis; because row i here
// is frequency i+1, the even rows (or columns) change sign. Rotations are flips plus a
// transpose. This gives all 8 variants from one DCT, without hashing 8 images.
function dihedralCoefficients(a: Float32Array, d: Dihedral): Float32Array {
  const b = new Float32Array(256)
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = a[i * 16 + j] as number
      const rowEven = (i & 1) === 0
      const colEven = (j & 1) === 0
      switch (d) {
        case 'original':
          b[i * 16 + j] = v
          break
        case 'rotate90':
          b[j * 16 + i] = colEven ? -v : v
          break
        case 'rotate180':
          b[i * 16 + j] = (i + j) & 1 ? -v : v
          break
        case 'rotate270':
          b[j * 16 + i] = rowEven ? -v : v
          break
        case 'flipX':
          b[i * 16 + j] = rowEven ? -v : v
          break
        case 'flipY':
          b[i * 16 + j] = colEven ? -v : v
          break
        case 'flipPlus1':
          b[j * 16 + i] = v
          break
        case 'flipMinus1':
          b[j * 16 + i] = (i + j) & 1 ? -v : v
          break
      }
    }
  }
  return b
}

interface Spectrum {
  coefficients: Float32Array
  quality: number
}

function spectrumOf(pixels: DecodedPixels, options: PdqOptions): Spectrum | undefined {
  const { width, height } = pixels
  if (width < PDQ_MIN_DIMENSION || height < PDQ_MIN_DIMENSION) return undefined
  const limit = PDQ_REFERENCE_DOWNSAMPLE
  const shrink = (options.downsample ?? 'reference') === 'reference' && (width > limit || height > limit)
  const cols = shrink ? limit : width
  const rows = shrink ? limit : height
  const luma = luminance(pixels, cols, rows)
  let grid: Float32Array
  if (rows === 64 && cols === 64) {
    grid = luma
  } else {
    grid = filterAndDecimate(luma, rows, cols)
  }
  return { coefficients: dct16(grid), quality: qualityOf(grid) }
}

const EMPTY_HASH: PdqHex = '0'.repeat(64)

/** PDQ hash and quality of decoded pixels. Images under 5 px a side get the zero hash, quality 0. */
export function pdqHash(pixels: DecodedPixels, options: PdqOptions = {}): PdqResult {
  const s = spectrumOf(pixels, options)
  if (!s) return { hash: EMPTY_HASH, quality: 0 }
  return { hash: bitsFromDct(s.coefficients), quality: s.quality }
}

/** PDQ hash, quality and the hashes of the 8 rotations and flips, from a single DCT. */
export function pdqHashDihedral(pixels: DecodedPixels, options: PdqOptions = {}): PdqDihedralResult {
  const s = spectrumOf(pixels, options)
  const variants = {} as Record<Dihedral, PdqHex>
  for (const d of DIHEDRALS)
    variants[d] = s ? bitsFromDct(dihedralCoefficients(s.coefficients, d)) : EMPTY_HASH
  return { hash: variants.original, quality: s?.quality ?? 0, variants }
}
