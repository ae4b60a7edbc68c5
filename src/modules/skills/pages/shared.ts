import type { Tally } from '../coverage.ts'

export const skillsPath = '/skills'

/** A share as a whole percentage, or a dash when nobody in the group needs a course. */
export const percent = (share: number | null): string =>
  share === null ? '–' : `${Math.round(share * 100)}%`

/** A tally as the tables show it. */
export const tallyRow = (t: Tally) => ({
  people: t.people,
  trained: t.trained,
  scheduled: t.scheduled,
  noPlan: t.noPlan,
  trainedShare: percent(t.trainedShare),
})

export const emptyTally: Tally = { people: 0, trained: 0, scheduled: 0, noPlan: 0, trainedShare: null }
