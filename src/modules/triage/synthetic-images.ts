// Benign synthetic pictures for tests and benchmarks: smooth coloured blobs and stripes drawn
// from a seed, so every run builds the same images and no real photograph is needed.
import sharp from 'sharp'
import type { DecodedPixels } from './pdq.ts'

/** Small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function syntheticPicture(seed: number, width: number, height: number): DecodedPixels {
  const random = seededRandom(seed)
  const blobs = Array.from({ length: 24 }, () => ({
    x: random(),
    y: random(),
    r: 0.03 + random() * 0.15,
    colour: [random() * 255, random() * 255, random() * 255],
  }))
  const fx = 3 + random() * 8
  const fy = 3 + random() * 8
  const phase = random() * Math.PI * 2
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    const v = y / height
    for (let x = 0; x < width; x++) {
      const u = x / width
      const stripe = 40 * Math.sin(2 * Math.PI * (fx * u + fy * v) + phase)
      let r = 110 + stripe
      let g = 110 - stripe
      let b = 110
      for (const blob of blobs) {
        const d2 = ((u - blob.x) ** 2 + (v - blob.y) ** 2) / (blob.r * blob.r)
        const w = Math.exp(-d2)
        r += w * ((blob.colour[0] as number) - r)
        g += w * ((blob.colour[1] as number) - g)
        b += w * ((blob.colour[2] as number) - b)
      }
      const p = (y * width + x) * 3
      data[p] = r
      data[p + 1] = g
      data[p + 2] = b
    }
  }
  return { data, width, height, channels: 3 }
}

export function encodeRaw(pixels: DecodedPixels) {
  return sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels as 1 | 2 | 3 | 4 },
  })
}

export async function syntheticJpeg(
  seed: number,
  width: number,
  height: number,
  quality = 90,
): Promise<Buffer> {
  return encodeRaw(syntheticPicture(seed, width, height))
    .jpeg({ quality })
    .toBuffer()
}

export async function syntheticPng(seed: number, width: number, height: number): Promise<Buffer> {
  return encodeRaw(syntheticPicture(seed, width, height))
    .png()
    .toBuffer()
}
