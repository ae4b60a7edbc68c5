import { seededRandom } from '../../platform/seed/random.ts'

/*
 * Stratified random sampling, reproducible from a seed: the scope is split into strata (by case type and BCU,
 * or as the programme chooses), the sample is shared among the strata in proportion to their size (largest
 * remainders get the rounding, ties by stratum name), and each stratum's cases are drawn by a seeded shuffle of
 * their own stream. The same seed and scope give the same sample on any machine; the input order does not
 * matter, as candidates are put in a fixed order first.
 */

export const strataChoices = ['case_type_bcu', 'case_type', 'bcu', 'none'] as const
export type Strata = (typeof strataChoices)[number]

export interface Sampleable {
  /** Unique and stable: the record's kind and id. */
  key: string
  caseType: string
  bcuId: string | null
}

export function stratumOf(item: Sampleable, strata: Strata): string {
  switch (strata) {
    case 'case_type_bcu':
      return `${item.caseType}|${item.bcuId ?? 'none'}`
    case 'case_type':
      return item.caseType
    case 'bcu':
      return item.bcuId ?? 'none'
    case 'none':
      return 'all'
  }
}

/** How many each stratum gives: proportional, the remainder to the largest fractions. */
export function allocate(sizes: ReadonlyMap<string, number>, sample: number): Map<string, number> {
  const total = [...sizes.values()].reduce((a, b) => a + b, 0)
  const names = [...sizes.keys()].sort()
  const exact = names.map((name) => ({ name, quota: (sample * (sizes.get(name) ?? 0)) / total }))
  const shares = new Map(exact.map((e) => [e.name, Math.floor(e.quota)]))
  let left = sample - [...shares.values()].reduce((a, b) => a + b, 0)
  for (const e of [...exact].sort(
    (a, b) => b.quota - Math.floor(b.quota) - (a.quota - Math.floor(a.quota)),
  )) {
    if (left <= 0) break
    shares.set(e.name, (shares.get(e.name) ?? 0) + 1)
    left--
  }
  return shares
}

export class SampleTooLarge extends Error {
  constructor(
    readonly asked: number,
    readonly available: number,
  ) {
    super(`A sample of ${asked} is larger than the ${available} cases in scope`)
  }
}

/** Draws the sample; a sample larger than the scope is refused. */
export function drawSample<T extends Sampleable>(
  items: readonly T[],
  size: number,
  seed: string,
  strata: Strata,
): T[] {
  if (size > items.length) throw new SampleTooLarge(size, items.length)
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const groups = new Map<string, T[]>()
  for (const item of sorted) {
    const name = stratumOf(item, strata)
    groups.set(name, [...(groups.get(name) ?? []), item])
  }
  const shares = allocate(new Map([...groups].map(([name, list]) => [name, list.length])), size)
  const random = seededRandom(seed)
  const drawn: T[] = []
  for (const name of [...groups.keys()].sort()) {
    const list = [...(groups.get(name) as T[])]
    const stream = random.fork(name)
    const wanted = shares.get(name) ?? 0
    // A partial Fisher-Yates shuffle: the first `wanted` places are a uniform draw without replacement.
    for (let i = 0; i < wanted; i++) {
      const j = i + Math.floor(stream.next() * (list.length - i))
      ;[list[i], list[j]] = [list[j] as T, list[i] as T]
    }
    drawn.push(...list.slice(0, wanted))
  }
  return drawn
}
