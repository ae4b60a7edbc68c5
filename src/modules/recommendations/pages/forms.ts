import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { dateInput, optionalText, radios, recordVersion, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { type FormField, fieldsView } from '../../offenders/pages/shared.ts'
import { recommendationsAccess } from '../access.ts'
import { evidenceKindLabels, evidenceKinds } from '../recommendations.ts'
import type { RecommendationView } from '../service/read.ts'
import { noSuchAction } from '../service/write.ts'
import {
  authorOf,
  type RecommendationsPageDeps,
  recommendationHref,
  recommendationOr404,
  recommendationsPath,
} from './shared.ts'

/*
 * The tracker's forms, each a page of its own for the force's leads and admins: an action on a
 * recommendation, a milestone of an action, evidence for it, and marking it complete. The fields are listed
 * in the order the page shows them, so the error summary follows it; a refusal by the service (a milestone
 * dated before the recommendation, a measure not in the registry) names its field the same way, and nothing
 * is written.
 */

const actionForm = z.object({
  title: text({ required: 'Enter what the force will do', maxLength: 2000 }),
  ownerStaffId: text({ required: 'Select the member of staff who owns the action' }),
})
const milestoneForm = z.object({
  title: text({ required: 'Enter the milestone', maxLength: 500 }),
  dueOn: dateInput({ label: 'Milestone date' }),
})
const evidenceForm = z.object({
  kind: radios(evidenceKinds, 'Select what the evidence is'),
  reference: text({ required: 'Enter the reference of the evidence', maxLength: 200 }),
  milestoneId: optionalText(),
  evidenceOn: dateInput({ label: 'Date of the evidence' }),
  description: optionalText({ maxLength: 2000 }),
})
const completeForm = z.object({
  completedOn: dateInput({ label: 'Date it was completed' }),
  version: recordVersion(),
})

const formPage = (
  rec: RecommendationView,
  options: {
    pageTitle: string
    intro?: string
    action: string
    fields: ReturnType<typeof fieldsView>
    submitText: string
    actionTitle?: string
    version?: number
  },
) =>
  view('recommendations/views/form.njk', {
    recRef: rec.ref,
    cancelHref: recommendationHref(rec.id),
    ...options,
  })

/** The action named in the path, on the recommendation named before it, or the 404 page. */
function actionOr404(rec: RecommendationView, actionId: string | undefined) {
  const action = rec.actions.find((a) => a.id === actionId)
  if (!action) throw new NotFoundError(noSuchAction)
  return action
}

/** Back to the recommendation's page, at the action. */
const backTo = (rec: { id: string }, action: { id: string }) =>
  `${recommendationHref(rec.id)}#action-${action.id}`

const paths = {
  action: `${recommendationsPath}/:id/actions/new`,
  milestone: `${recommendationsPath}/:id/actions/:actionId/milestones/new`,
  evidence: `${recommendationsPath}/:id/actions/:actionId/evidence/new`,
  complete: `${recommendationsPath}/:id/actions/:actionId/complete`,
}
const filled = (path: string, params: Record<string, string>) =>
  path.replace(/:(\w+)/g, (_, name: string) => params[name] ?? '')

export function formPages(app: FastifyInstance, deps: RecommendationsPageDeps) {
  const recAndAction = async (params: Record<string, string>) => {
    const rec = await recommendationOr404(deps, params.id)
    return { rec, action: actionOr404(rec, params.actionId) }
  }
  const actionFields = async (): Promise<FormField[]> => {
    const force = await deps.organisation.force()
    const staff = await deps.organisation.staffList(force.id, { activeOnly: true })
    return [
      { name: 'title', kind: 'textarea', label: 'What the force will do' },
      {
        name: 'ownerStaffId',
        kind: 'select',
        label: 'Owner',
        hint: 'The member of staff answerable for the action',
        options: staff.map((s) => ({
          value: s.id,
          text: `${s.name} (${s.staffNumber}${s.teamName ? `, ${s.teamName}` : ''})`,
        })),
      },
    ]
  }

  page(app, paths.action, {
    access: recommendationsAccess.write,
    form: actionForm,
    get: async ({ params, form }) => {
      const rec = await recommendationOr404(deps, params.id)
      return formPage(rec, {
        pageTitle: 'Add an action',
        action: filled(paths.action, params),
        fields: fieldsView(await actionFields(), form),
        submitText: 'Add the action',
      })
    },
    post: async ({ params, input, principal }) => {
      const rec = await recommendationOr404(deps, params.id)
      const action = await deps.recommendations.addAction(rec.id, input, authorOf(principal))
      return backTo(rec, action)
    },
  })

  const milestoneFields: FormField[] = [
    { name: 'title', kind: 'text', label: 'Milestone' },
    { name: 'dueOn', kind: 'date', label: 'Milestone date' },
  ]
  page(app, paths.milestone, {
    access: recommendationsAccess.write,
    form: milestoneForm,
    get: async ({ params, form }) => {
      const { rec, action } = await recAndAction(params)
      return formPage(rec, {
        pageTitle: 'Add a milestone',
        intro: `A milestone is a date by which part of the action will be done, on or after the day the recommendation was made. It turns the action red if it passes with no evidence.`,
        actionTitle: action.title,
        action: filled(paths.milestone, params),
        fields: fieldsView(milestoneFields, form),
        submitText: 'Add the milestone',
      })
    },
    post: async ({ params, input, principal }) => {
      const { rec, action } = await recAndAction(params)
      await deps.recommendations.addMilestone(rec.id, action.id, input, authorOf(principal))
      return backTo(rec, action)
    },
  })

  page(app, paths.evidence, {
    access: recommendationsAccess.write,
    form: evidenceForm,
    get: async ({ params, form }) => {
      const { rec, action } = await recAndAction(params)
      const fields: FormField[] = [
        {
          name: 'kind',
          kind: 'radios',
          label: 'What the evidence is',
          options: evidenceKinds.map((k) => ({ value: k, text: evidenceKindLabels[k] })),
        },
        {
          name: 'reference',
          kind: 'text',
          label: 'Reference',
          hint: 'A measure’s id (the id in the address of its page on the dashboard, like standards.findings-breached), the audit programme, or the document’s reference',
        },
        {
          name: 'milestoneId',
          kind: 'select',
          label: 'Milestone it shows met (optional)',
          hint: 'Leave it unchosen for evidence about the action as a whole',
          options: action.milestones.map((m) => ({ value: m.id, text: m.title })),
        },
        { name: 'evidenceOn', kind: 'date', label: 'Date of the evidence' },
        { name: 'description', kind: 'textarea', label: 'What it shows (optional)' },
      ]
      return formPage(rec, {
        pageTitle: 'Add evidence',
        actionTitle: action.title,
        action: filled(paths.evidence, params),
        fields: fieldsView(fields, form),
        submitText: 'Add the evidence',
      })
    },
    post: async ({ params, input, principal }) => {
      const { rec, action } = await recAndAction(params)
      await deps.recommendations.addEvidence(
        rec.id,
        action.id,
        { ...input, milestoneId: input.milestoneId ?? null },
        authorOf(principal),
      )
      return backTo(rec, action)
    },
  })

  page(app, paths.complete, {
    access: recommendationsAccess.write,
    form: completeForm,
    get: async ({ params, form }) => {
      const { rec, action } = await recAndAction(params)
      if (action.status === 'complete') throw new NotFoundError('This action is already complete')
      return formPage(rec, {
        pageTitle: 'Mark the action complete',
        intro:
          'An action is complete only with evidence of completion dated on or before the day it was done.',
        actionTitle: action.title,
        action: filled(paths.complete, params),
        fields: fieldsView([{ name: 'completedOn', kind: 'date', label: 'Date it was completed' }], form),
        submitText: 'Mark it complete',
        version: action.version,
      })
    },
    post: async ({ params, input, principal }) => {
      const { rec, action } = await recAndAction(params)
      await deps.recommendations.completeAction(rec.id, action.id, input, authorOf(principal))
      return backTo(rec, action)
    },
  })
}
