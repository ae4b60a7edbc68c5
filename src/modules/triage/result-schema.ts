// The JSON report `kestrel triage` writes (triage-report.json, kind `triage-result`), as Kestrel
// accepts it from a standalone laptop: the upload API and the `triage-result` import kind validate
// with this one schema, so a bad field is named the same way on both. It holds hashes, paths, sizes
// and times only; nothing in it can carry image content (no field takes binary or data URLs).
import { z } from 'zod'
import { coercedInstant } from '../../platform/time-schemas.ts'
import { KNOWN_CATEGORIES } from './categories.ts'

const hexOf = (digits: number, what: string) =>
  z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.string().regex(new RegExp(`^[0-9a-f]{${digits}}$`), `must be a ${what} of ${digits} hex digits`))

const count = z.number().int().min(0)
const instant = coercedInstant('must be a date-time with offset')
const category = z.enum(KNOWN_CATEGORIES as [string, ...string[]])
const path = z.string().min(1).max(4096)
const byCategory = z.object({ A: count, B: count, C: count, ungraded: count, ignorable: count })

const knownRecord = z.object({
  set: z.string().min(1).max(200),
  category,
  sourceCategory: z.string().max(200).optional(),
  mediaId: z.string().max(200).optional(),
  series: z.string().max(2000).optional(),
})

export const exactMatchInput = z.object({
  path,
  size: count,
  modified: instant,
  md5: hexOf(32, 'MD5'),
  sha1: hexOf(40, 'SHA-1'),
  known: z
    .array(knownRecord.extend({ on: z.enum(['md5', 'sha1', 'md5+sha1']) }))
    .min(1)
    .max(100),
})

export const nearMatchInput = z.object({
  path,
  size: count,
  modified: instant,
  pdq: hexOf(64, 'PDQ hash'),
  quality: z.number().int().min(0).max(100),
  distance: z.number().int().min(0).max(256),
  orientation: z.string().max(40),
  known: z
    .array(knownRecord.extend({ pdq: hexOf(64, 'PDQ hash'), distance: z.number().int().min(0).max(256) }))
    .min(1)
    .max(100),
})

export const decisions = [
  'submit-for-full-examination',
  'no-known-material-found',
  'could-not-complete',
] as const

const maxMatches = 200_000

/** The report as produced by `kestrel triage`; unknown fields are ignored (newer tools may add some). */
export const triageReportInput = z
  .object({
    kind: z.literal('triage-result', { message: 'must be "triage-result"' }).default('triage-result'),
    version: z.literal(1, { message: 'must be 1: the only report version Kestrel reads' }),
    tool: z.string().min(1).max(100).optional(),
    device: z.string().min(1).max(100),
    startedAt: instant,
    finishedAt: instant,
    complete: z.boolean(),
    interruption: z.string().max(500).optional(),
    settings: z.object({
      threshold: z.number().int().min(0).max(256),
      dihedral: z.boolean(),
      minimumQuality: z.number().int().min(0).max(100).optional(),
      hashSets: z.array(z.string().min(1).max(200)).max(100),
      hashSetVersions: z
        .array(
          z.object({
            name: z.string().min(1).max(200),
            from: z.enum(['database', 'file']),
            version: z.number().int().min(1).optional(),
            importedAt: z.string().max(40).optional(),
            records: count,
          }),
        )
        .max(100)
        .optional(),
      knownRecords: count,
    }),
    counts: z.object({
      files: count,
      bytes: count,
      images: count,
      videos: count,
      imagesHashed: count.optional(),
      lowQualityImages: count.optional(),
      unreadable: count,
      problems: count,
      exactMatches: count,
      nearMatches: count,
    }),
    exactMatchesByCategory: byCategory,
    nearMatchesByCategory: byCategory,
    exactMatches: z.array(exactMatchInput).max(maxMatches),
    nearMatches: z.array(nearMatchInput).max(maxMatches),
    recommendation: z.object({ decision: z.enum(decisions), reason: z.string().min(1).max(4000) }),
  })
  .superRefine((r, ctx) => {
    if (r.finishedAt < r.startedAt)
      ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: 'must not be before startedAt' })
    if (r.exactMatches.length !== r.counts.exactMatches)
      ctx.addIssue({
        code: 'custom',
        path: ['counts', 'exactMatches'],
        message: `says ${r.counts.exactMatches} but the report lists ${r.exactMatches.length} exact matches`,
      })
    if (r.nearMatches.length !== r.counts.nearMatches)
      ctx.addIssue({
        code: 'custom',
        path: ['counts', 'nearMatches'],
        message: `says ${r.counts.nearMatches} but the report lists ${r.nearMatches.length} near matches`,
      })
  })

export type TriageReportInput = z.output<typeof triageReportInput>
