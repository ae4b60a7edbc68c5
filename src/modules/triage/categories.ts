// Categories of known material. Kestrel reports the UK scheme (Sentencing Council, indecent
// images of children): A penetrative or sadistic, B non-penetrative sexual activity, C other
// indecent images. Hash lists arrive with their own numbering (VICS `Category`), so the mapping
// is configuration, with a default documented in docs/triage.md.

export const UK_CATEGORIES = ['A', 'B', 'C'] as const
export type UkCategory = (typeof UK_CATEGORIES)[number]

/**
 * A: B: C: the UK categories. 'ungraded': known indecent material without a UK grade (a list
 * that does not grade, or a source category with no mapping). 'ignorable': listed as known
 * non-pertinent material, so a match is reported but does not by itself justify examination.
 */
export type KnownCategory = UkCategory | 'ungraded' | 'ignorable'

export const KNOWN_CATEGORIES: readonly KnownCategory[] = ['A', 'B', 'C', 'ungraded', 'ignorable']

/** Source category (as text, e.g. "1") to Kestrel category; `otherwise` for anything unlisted. */
export interface CategoryMap {
  name: string
  map: Record<string, KnownCategory>
  otherwise: KnownCategory
}

/**
 * Default: the CAID (UK Child Abuse Image Database) use of VICS categories, 1 = A, 2 = B,
 * 3 = C, 0 = non-pertinent. A list without a category, or with one not listed, is 'ungraded':
 * matched material is never silently treated as harmless.
 */
export const CAID_UK_CATEGORY_MAP: CategoryMap = {
  name: 'caid-uk',
  map: { '0': 'ignorable', '1': 'A', '2': 'B', '3': 'C', A: 'A', B: 'B', C: 'C' },
  otherwise: 'ungraded',
}

/**
 * Project VIC (US/international) numbering, where 1 is child abuse material and 2 exploitive or
 * age-difficult material, neither graded A/B/C; 0 non-pertinent.
 */
export const PROJECT_VIC_CATEGORY_MAP: CategoryMap = {
  name: 'project-vic',
  map: { '0': 'ignorable', '1': 'ungraded', '2': 'ungraded', '3': 'ungraded', '4': 'ignorable' },
  otherwise: 'ungraded',
}

export const CATEGORY_MAPS: Record<string, CategoryMap> = {
  'caid-uk': CAID_UK_CATEGORY_MAP,
  'project-vic': PROJECT_VIC_CATEGORY_MAP,
}

export function mapCategory(
  source: string | number | null | undefined,
  categories: CategoryMap,
): KnownCategory {
  if (source === null || source === undefined || source === '') return 'ungraded'
  const key = String(source)
    .trim()
    .replace(/^cat(egory)?\s*/i, '')
  return categories.map[key] ?? categories.map[key.toUpperCase()] ?? categories.otherwise
}

/** Reads a mapping from JSON configuration: `{"name": "...", "map": {"1": "A"}, "otherwise": "ungraded"}`. */
export function parseCategoryMap(json: unknown): CategoryMap {
  if (typeof json !== 'object' || json === null) throw new Error('category map must be a JSON object')
  const { name, map, otherwise } = json as Record<string, unknown>
  if (typeof map !== 'object' || map === null) throw new Error('category map needs a "map" object')
  const result: Record<string, KnownCategory> = {}
  for (const [k, v] of Object.entries(map)) {
    if (!KNOWN_CATEGORIES.includes(v as KnownCategory)) {
      throw new Error(
        `category map: ${JSON.stringify(k)} maps to ${JSON.stringify(v)}, not one of ${KNOWN_CATEGORIES.join(', ')}`,
      )
    }
    result[k] = v as KnownCategory
  }
  const fallback = otherwise ?? 'ungraded'
  if (!KNOWN_CATEGORIES.includes(fallback as KnownCategory)) throw new Error('category map: bad "otherwise"')
  return {
    name: typeof name === 'string' ? name : 'custom',
    map: result,
    otherwise: fallback as KnownCategory,
  }
}
