import type { RepeatThreshold } from './grading.ts'

/**
 * When a child is repeat missing: MIS-02 and MIS-03's parameters (a force may set them per borough in the
 * standards engine). The suggested minimum grade counts cumulative risk with their defaults, so the grading
 * page and the rules start from one number, not two.
 */
export const repeatParams = {
  repeatEpisodes: {
    default: 3,
    description: 'Episodes (this one included) that make a child repeat missing',
    unit: 'episodes',
    perBorough: true,
  },
  repeatDays: { default: 90, description: 'Within this many days', unit: 'days', perBorough: true },
}

export const defaultRepeatThreshold: RepeatThreshold = {
  episodes: repeatParams.repeatEpisodes.default,
  days: repeatParams.repeatDays.default,
}
