// Decoding images to the 8-bit pixels PDQ reads. Choices here follow what the reference
// hasher sees (its image library decodes through ImageMagick), so hashes agree:
// - embedded ICC profiles are ignored (ImageMagick does not apply them when converting);
// - CMYK is converted with the plain formula R = (255-C)(255-K)/255, not a colour profile;
// - no EXIF auto-rotation, the first frame of an animation, alpha ignored.
import sharp from 'sharp'
import type { DecodedPixels } from './pdq.ts'

/** Refuse decompression bombs: 100 megapixels is far beyond any camera photo. */
const MAX_PIXELS = 100_000_000
const OPTIONS = { ignoreIcc: true, limitInputPixels: MAX_PIXELS, failOn: 'warning' } as const

export async function decodeImage(input: string | Buffer): Promise<DecodedPixels> {
  if (await isCmyk(input)) {
    const { data, info } = await sharp(input, OPTIONS)
      .pipelineColourspace('cmyk')
      .toColourspace('cmyk')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    return { data: rgbFromCmyk(data, info.channels), width: info.width, height: info.height, channels: 3 }
  }
  const { data, info } = await sharp(input, OPTIONS)
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
  return { data, width: info.width, height: info.height, channels: info.channels }
}

export function rgbFromCmyk(cmyk: Uint8Array, channels: number): Uint8Array {
  const n = Math.floor(cmyk.length / channels)
  const rgb = new Uint8Array(n * 3)
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const k = 255 - (cmyk[p + 3] as number)
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(((255 - (cmyk[p + c] as number)) * k) / 255)
  }
  return rgb
}

/**
 * Only JPEG and TIFF can hold CMYK. A JPEG says so in its frame header (4 components), which is
 * cheaper to read here than asking libvips for the metadata of every image.
 */
async function isCmyk(input: string | Buffer): Promise<boolean> {
  if (typeof input !== 'string') {
    if (input[0] === 0xff && input[1] === 0xd8) {
      const components = jpegComponents(input)
      if (components !== undefined) return components === 4
    } else if (input[0] !== 0x49 && input[0] !== 0x4d) {
      return false // not TIFF ('II' or 'MM')
    }
  }
  return (await sharp(input, { ignoreIcc: true, limitInputPixels: MAX_PIXELS }).metadata()).space === 'cmyk'
}

/** Number of colour components in a JPEG's start-of-frame header, if it can be found. */
export function jpegComponents(jpeg: Uint8Array): number | undefined {
  let at = 2
  while (at + 10 <= jpeg.length) {
    if (jpeg[at] !== 0xff) return undefined
    const marker = jpeg[at + 1] as number
    if (marker === 0xff) {
      at++ // fill byte
      continue
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isFrame) return jpeg[at + 9]
    if (marker === 0xda || marker === 0xd9) return undefined
    at += 2 + (((jpeg[at + 2] as number) << 8) | (jpeg[at + 3] as number))
  }
  return undefined
}
