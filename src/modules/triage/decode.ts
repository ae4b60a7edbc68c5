// Decoding images to the 8-bit pixels PDQ reads. Choices here follow what the reference
// hasher sees (its image library decodes through ImageMagick), so hashes agree:
// - embedded ICC profiles are ignored (ImageMagick does not apply them when converting);
// - CMYK is converted with the plain formula R = (255-C)(255-K)/255, not a colour profile;
// - no EXIF auto-rotation, the first frame of an animation, alpha ignored.
import sharp from 'sharp'
import type { DecodedPixels } from './pdq.ts'

/** Refuse decompression bombs: 100 megapixels is far beyond any camera photo. */
const MAX_PIXELS = 100_000_000

export async function decodeImage(input: string | Buffer): Promise<DecodedPixels> {
  const options = { ignoreIcc: true, limitInputPixels: MAX_PIXELS, failOn: 'warning' } as const
  const meta = await sharp(input, options).metadata()
  if (meta.space === 'cmyk') {
    const { data, info } = await sharp(input, options)
      .pipelineColourspace('cmyk')
      .toColourspace('cmyk')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    return { data: rgbFromCmyk(data, info.channels), width: info.width, height: info.height, channels: 3 }
  }
  const { data, info } = await sharp(input, options)
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
