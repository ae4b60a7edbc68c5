import { type FieldError, NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import type { Services } from '../../../services.ts'
import { noSuchCase } from '../service/dependencies.ts'

export const onlinePath = '/online'
export const casePath = (id: string) => `${onlinePath}/cases/${encodeURIComponent(id)}`

/** What the online pages are built from: the services the module manifest is given. */
export type OnlinePageDeps = Pick<Services, 'online' | 'standards' | 'organisation' | 'clock' | 'accessLog'>

/** Choices for a select, with "any" first and the chosen one selected. */
export const choices = (all: string, options: readonly { value: string; text: string }[], chosen: string) => [
  { value: '', text: all, selected: chosen === '' },
  ...options.map((o) => ({ ...o, selected: o.value === chosen })),
]

/** The forms ask every record's time as `at`; the service names it as the record does. */
const formField = (field: string) =>
  ['assessedAt', 'identifiedAt', 'seizedAt'].includes(field) ? 'at' : field

/**
 * A service's refusal in the form's words: a reason that says what must be is given the field's label, one
 * that says what to do is given a capital. A case out of reach, or that does not exist, is a 404 either way.
 */
export function inFormWords(error: unknown, labels: Record<string, string>): never {
  if (error instanceof ValidationError) {
    if (error.errors.some((e) => e.field === 'case')) throw new NotFoundError(noSuchCase)
    throw new ValidationError(
      error.errors
        // A stage out of order (allocated after devices were seized) is about when: on a form with no stage to
        // choose, the error belongs to its date and time, so it is listed in the summary rather than a 400 page.
        .map(
          (e): FieldError => ({
            ...e,
            field: e.field === 'stage' && !('stage' in labels) ? 'at' : formField(e.field),
          }),
        )
        .map(
          (e): FieldError => ({
            field: e.field,
            reason: /^(must|is |are )/.test(e.reason)
              ? `${labels[e.field] ?? 'This'} ${e.reason}`
              : e.reason.charAt(0).toUpperCase() + e.reason.slice(1),
          }),
        ),
    )
  }
  throw error
}
