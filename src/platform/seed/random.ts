/**
 * A small seeded generator (mulberry32) so demo data is the same for the same seed on every machine.
 * Each generator gets its own stream derived from the run's seed and its name, so adding a generator
 * does not change what the others produce.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  /** Picks by weight: [[value, weight], ...]. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T
  /** A normally distributed value (Box-Muller), for durations that cluster round a typical value. */
  normal(mean: number, sd: number): number
  fork(name: string): Random
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 16777619)
  }
  return h >>> 0
}

export function seededRandom(seed: number | string): Random {
  let state = typeof seed === 'number' ? seed >>> 0 : hash(seed)
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (!items.length) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)] as (typeof items)[number]
    },
    weighted: (choices) => {
      const total = choices.reduce((sum, [, w]) => sum + w, 0)
      let roll = next() * total
      for (const [value, weight] of choices) {
        roll -= weight
        if (roll < 0) return value
      }
      return (choices[choices.length - 1] as readonly [never, number])[0]
    },
    normal: (mean, sd) => {
      const u = 1 - next()
      const v = next()
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    fork: (name) => seededRandom(hash(`${state}:${name}`)),
  }
  return random
}
