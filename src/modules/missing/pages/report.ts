import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import type { FormState, SummaryError } from '../../../platform/http/form.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { checkbox, checkboxes, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import { page, type View, view } from '../../../platform/http/page.ts'
import { childChosen, findChildStep } from '../../children/pages/find-child.ts'
import { flagLabels } from '../../children/person.ts'
import { episodeReporters } from '../access.ts'
import {
  gradeLabels,
  reporterKinds,
  reporterLabels,
  riskFactorLabels,
  riskFactors,
  suggestMinimumGrade,
} from '../grading.ts'
import { fromLocalInput, localDateTime, toLocalInput } from './local-date-time.ts'
import { boroughList, type MissingPageServices, missingPath } from './shared.ts'

const enterChild = 'Enter the child’s name or reference, or their date of birth, to find them'

/** The grading form, in the order the page shows it. */
const episodeForm = z.object({
  child: text({ required: enterChild }),
  planAcknowledged: checkbox(),
  borough: text({ required: 'Choose the borough the child went missing from' }),
  reportedAt: localDateTime({ label: 'report time' }),
  reportedByKind: radios(reporterKinds, 'Choose who reported the child missing'),
  reportedByName: optionalText(),
  lastSeenAt: localDateTime({ label: 'time the child was last seen' }),
  lastSeenPlace: text({ required: 'Enter where the child was last seen' }),
  circumstances: text({ required: 'Enter the circumstances' }),
  riskFactors: checkboxes({ values: riskFactors }),
  grade: text({ required: 'Choose the risk grade' }),
  gradingReason: optionalText(),
  gradedBy: text({ required: 'Enter who graded the risk' }),
  supervisorName: optionalText(),
  belowSuggestionReason: optionalText(),
  reviewDueAt: localDateTime({ label: 'review time', required: false }),
  actions: optionalText(),
})

type Typed = Partial<Record<keyof z.input<typeof episodeForm>, string | string[]>>

/** Reporting a child missing: the child first, then the grading with their history and the suggestion. */
export function reportPages(app: FastifyInstance, services: MissingPageServices) {
  const { missing, organisation, clock, children } = services

  /** The first step: finding the child, as every journey from a child starts; `problems` say why it is shown again. */
  async function findChild(
    request: FastifyRequest,
    problems: { field: string; reason: string }[] = [],
    typed?: string,
  ) {
    const found = await findChildStep(children, request, '/missing/episodes/new')
    // A reference that found no one is shown in the search box, to correct.
    const step = typed ? { ...found, search: { ...found.search, q: typed } } : found
    // The search's own problem (a date of birth that is not a date) is listed first, in field order.
    const errors: SummaryError[] = [...step.errors, ...problems.map((p) => ({ text: p.reason, href: '#q' }))]
    return view(
      'children/views/find-child.njk',
      {
        pageTitle: 'Report a missing child',
        ...step,
        errors,
        fieldErrors: {
          ...step.fieldErrors,
          ...(problems.length ? { q: { text: problems.map((p) => p.reason).join('. ') } } : {}),
        },
      },
      errors.length ? 400 : 200,
    )
  }

  /** The grading page for a child; an unknown child (a mistyped ref) goes back to finding the child, with the reason. */
  async function grading(
    request: FastifyRequest,
    principal: Principal,
    childKey: string,
    form?: FormState,
  ): Promise<View> {
    const typed = (form?.values ?? {}) as Typed
    const str = (key: keyof Typed) => (typeof typed[key] === 'string' ? (typed[key] as string) : '')
    const at = fromLocalInput(str('reportedAt')) ?? clock.now()
    let context: Awaited<ReturnType<typeof missing.childContext>>
    try {
      // Repeat missing as MIS-02 is configured at the report time, for the borough once one is chosen.
      context = await missing.childContext(childKey, reachOf(principal), at, str('borough') || null)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return findChild(request, error.errors, childKey)
    }
    const answered = (
      Array.isArray(typed.riskFactors) ? typed.riskFactors : []
    ) as (typeof riskFactors)[number][]
    const { history, repeat } = context
    const suggestion = suggestMinimumGrade(answered, history, { scale: missing.scale, repeat })
    return view('missing/views/new-episode.njk', {
      pageTitle: 'Grade the risk to a missing child',
      context: { ...context, history, previous: history.previous, repeatDays: repeat.days },
      suggestion,
      gradeLabels,
      flagLabels,
      boroughs: await boroughList(organisation),
      reporterKinds: reporterKinds.map((k) => ({ value: k, text: reporterLabels[k] })),
      factors: riskFactors.map((f) => ({
        value: f,
        text: riskFactorLabels[f],
        checked: answered.includes(f),
        fromRecord: suggestion.factors.includes(f) && !answered.includes(f),
      })),
      grades: missing.scale.map((g) => ({ value: g, text: gradeLabels[g] })),
      values: {
        ...Object.fromEntries(Object.keys(episodeForm.shape).map((key) => [key, str(key as keyof Typed)])),
        child: context.person.ref,
        reportedAt: str('reportedAt') || toLocalInput(clock.now()),
        planAcknowledged: str('planAcknowledged') === 'yes',
      },
    })
  }

  page(app, `${missingPath}/episodes/new`, {
    access: episodeReporters,
    form: episodeForm,
    action: `${missingPath}/episodes`,
    get: async ({ request, principal, query, form }) => {
      if (form) {
        // Without a child there is no grading page to show the other answers on: find the child first.
        const child = form.values.child
        if (!child) return findChild(request, [{ field: 'child', reason: enterChild }])
        return grading(request, principal, child, form)
      }
      // A child chosen from the search (a link to ?child=<ref>); without one, the search, which sent with
      // nothing in it (or a child left empty) says what to do.
      const { key: child } = await childChosen(children, query)
      if (child) return grading(request, principal, child)
      const sentEmpty =
        (query?.child !== undefined || query?.q !== undefined) &&
        !formText(query, 'q') &&
        !['dob-day', 'dob-month', 'dob-year'].some((k) => formText(query, k))
      return findChild(request, sentEmpty ? [{ field: 'q', reason: enterChild }] : [])
    },
    post: async ({ input, principal }) => {
      const episode = await missing.create(
        {
          child: input.child,
          borough: input.borough,
          reportedAt: input.reportedAt,
          reportedByKind: input.reportedByKind,
          ...(input.reportedByName ? { reportedByName: input.reportedByName } : {}),
          lastSeenAt: input.lastSeenAt,
          lastSeenPlace: input.lastSeenPlace,
          circumstances: input.circumstances,
          grade: input.grade,
          riskFactors: input.riskFactors,
          gradedBy: input.gradedBy,
          ...(input.gradingReason ? { gradingReason: input.gradingReason } : {}),
          ...(input.supervisorName ? { supervisorName: input.supervisorName } : {}),
          ...(input.belowSuggestionReason ? { belowSuggestionReason: input.belowSuggestionReason } : {}),
          ...(input.reviewDueAt ? { reviewDueAt: input.reviewDueAt } : {}),
          ...(input.actions ? { actions: input.actions } : {}),
          ...(input.planAcknowledged
            ? { planAcknowledgedAt: clock.now(), planAcknowledgedBy: principal.displayName }
            : {}),
        },
        principal,
      )
      return `${missingPath}/episodes/${episode.id}`
    },
  })
}
