/**
 * Seeds for property tests: random each run, so runs explore, and named in the test's title, so a failure
 * can be run again with KESTREL_PROPERTY_SEED=<seed>.
 */
export function propertySeed(): number {
  const given = process.env.KESTREL_PROPERTY_SEED
  if (given !== undefined && given !== '') {
    const seed = Number(given)
    if (!Number.isInteger(seed) || seed < 0)
      throw new Error(`KESTREL_PROPERTY_SEED must be a whole number: ${given}`)
    return seed
  }
  return Math.floor(Math.random() * 2 ** 31)
}

/** A small linear congruential generator: the same seed gives the same numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed % 2 ** 31
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

/** The words for a property test's title: the seed and how to run it again. */
export const seedNote = (seed: number) => `(seed ${seed}; again with KESTREL_PROPERTY_SEED=${seed})`
