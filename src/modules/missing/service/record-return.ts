import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { changeEpisode } from './change-episode.ts'
import type { MissingDeps } from './dependencies.ts'

/* The child's return and what follows it: the prevention interview and the return home interview. */

/** The child is back: when, where they were found, by whom and with whom. */
export function recordReturn(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  input: { returnedAt: Date; foundPlace: string; foundBy: string; foundWith?: string },
  principal: Principal,
) {
  return changeEpisode(
    q,
    deps,
    id,
    version,
    principal,
    () => {
      const errors: FieldError[] = []
      if (!input.foundPlace?.trim())
        errors.push({ field: 'foundPlace', reason: 'Enter where the child was found' })
      if (!input.foundBy?.trim())
        errors.push({ field: 'foundBy', reason: 'Enter who found the child or where they returned' })
      return {
        errors,
        patch: {
          returned_at: input.returnedAt,
          found_place: input.foundPlace?.trim(),
          found_by: input.foundBy?.trim(),
          found_with: input.foundWith?.trim() || null,
        },
      }
    },
    'return',
  )
}

/** The police prevention interview after the return, and what the child disclosed. */
export function recordPreventionInterview(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  input: { at: Date; by: string; disclosures?: string },
  principal: Principal,
) {
  return changeEpisode(
    q,
    deps,
    id,
    version,
    principal,
    () => ({
      errors: input.by?.trim()
        ? []
        : [{ field: 'preventionInterviewBy', reason: 'Enter who held the interview' }],
      patch: {
        prevention_interview_at: input.at,
        prevention_interview_by: input.by?.trim(),
        disclosures: input.disclosures?.trim() || null,
      },
    }),
    'prevention interview',
  )
}

/** The local authority told, and its return home interview held or declined. */
export function recordReturnHomeInterview(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  input: { laNotifiedAt?: Date | null; interviewAt?: Date | null; declined?: boolean },
  principal: Principal,
) {
  return changeEpisode(
    q,
    deps,
    id,
    version,
    principal,
    (e) => ({
      errors:
        !input.laNotifiedAt && !e.laNotifiedAt && (input.interviewAt || input.declined)
          ? [{ field: 'laNotifiedAt', reason: 'Enter when the local authority was notified' }]
          : [],
      patch: {
        ...(input.laNotifiedAt ? { la_notified_at: input.laNotifiedAt } : {}),
        ...(input.interviewAt ? { return_home_interview_at: input.interviewAt } : {}),
        ...(input.declined !== undefined ? { return_home_interview_declined: input.declined } : {}),
      },
    }),
    'return home interview',
  )
}
