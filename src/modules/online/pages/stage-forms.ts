import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateTimeInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import { outcomeCodes, outcomeLabels } from '../../investigations/investigation.ts'
// The offenders forms' field drawing is generic (GOV.UK components from a field list); shared, not copied.
import { instantOf } from '../../offenders/pages/shared.ts'
import { maySuperviseClosing, onlineAccess } from '../access.ts'
import {
  allocationAgainstPolicy,
  kiratLabels,
  stageLabels,
  stages,
  teamKindLabels,
  teamKindOf,
} from '../online-case.ts'
import { atField, casePage, level, reasonField } from './case-form.ts'
import type { OnlinePageDeps } from './shared.ts'

/** The stages this form moves a case to: allocation and closing have pages of their own. */
const movable = stages.filter((s) => !['received', 'allocated', 'closed'].includes(s)) as [
  string,
  ...string[],
]

const stageForm = z.object({
  stage: radios(movable, 'Select the stage the case has reached'),
  at: dateTimeInput({ label: 'Date and time' }).transform(instantOf),
  returnedAt: dateTimeInput({ label: 'Date and time the data came back', required: false }),
  outcomeCode: optionalText({ maxLength: 20 }),
  reason: optionalText({ maxLength: 2000 }),
})
const allocateForm = z.object({
  team: text({ required: 'Select the team', maxLength: 200 }),
  officer: optionalText({ maxLength: 50 }),
  at: dateTimeInput({ label: 'Date and time of the allocation' }).transform(instantOf),
  reason: optionalText({ maxLength: 2000 }),
})
const closeForm = z.object({
  at: dateTimeInput({ label: 'Date and time it was closed' }).transform(instantOf),
  reason: optionalText({ maxLength: 2000 }),
})

/** Moving a case on, allocating it and closing it. */
export function stagePages(app: FastifyInstance, deps: OnlinePageDeps) {
  casePage(app, deps, {
    path: 'stage',
    title: 'Move the case to its next stage',
    submitText: 'Record the stage',
    access: onlineAccess.investigate,
    form: stageForm,
    fields: async () => [
      {
        name: 'stage',
        kind: 'radios',
        label: 'Stage reached',
        options: movable.map((s) => ({ value: s, text: stageLabels[s as keyof typeof stageLabels] })),
      },
      atField,
      {
        name: 'returnedAt',
        kind: 'datetime',
        label: 'Date and time the data came back (optional)',
        hint: 'Awaiting communications data only',
      },
      {
        name: 'outcomeCode',
        kind: 'select',
        label: 'Home Office outcome (optional)',
        hint: 'For an outcome',
        options: outcomeCodes.map((c) => ({ value: c, text: `${c}: ${outcomeLabels[c]}` })),
      },
      reasonField('Note (optional)'),
    ],
    save: (d, caseId, input, principal) =>
      d.online.changeStage(
        {
          case: caseId,
          stage: input.stage as (typeof stages)[number],
          at: input.at,
          returnedAt: input.returnedAt ? instantOf(input.returnedAt) : undefined,
          outcomeCode: input.outcomeCode ?? undefined,
          reason: input.reason ?? undefined,
        },
        principal,
      ),
  })

  casePage(app, deps, {
    path: 'allocate',
    title: 'Allocate the case',
    submitText: 'Allocate',
    access: onlineAccess.allocate,
    form: allocateForm,
    intro: (v) => [
      `KIRAT level: ${level(v) ? kiratLabels[level(v) as keyof typeof kiratLabels] : 'not assessed'}.`,
    ],
    warning: (v) =>
      allocationAgainstPolicy(level(v), 'frontline')
        ? 'This case is very high or high risk: force policy sends it to the specialist online team. Allocating it to another team needs a reason, which is recorded.'
        : undefined,
    fields: async (_v, d) => {
      const force = await d.organisation.force()
      const teams = (await d.organisation.teams(force.id, { activeOnly: true })).filter((t) =>
        ['online_csae', 'cait', 'response_neighbourhood', 'sapphire'].includes(t.kind),
      )
      return [
        {
          name: 'team',
          kind: 'select',
          label: 'Team',
          options: teams.map((t) => ({
            value: t.name,
            text: `${t.name} (${teamKindLabels[teamKindOf(t.kind)]})`,
          })),
        },
        { name: 'officer', kind: 'text', label: 'Officer’s staff number (optional)', short: true },
        atField,
        reasonField(
          'Reason (required for a very high or high case going to a team other than the specialists)',
        ),
      ]
    },
    save: (d, caseId, input, principal) =>
      d.online.changeStage(
        {
          case: caseId,
          stage: 'allocated',
          at: input.at,
          team: input.team,
          officer: input.officer ?? undefined,
          reason: input.reason ?? undefined,
        },
        principal,
      ),
  })

  casePage(app, deps, {
    path: 'close',
    title: 'Close the case',
    submitText: 'Close the case',
    access: onlineAccess.investigate,
    form: closeForm,
    warning: (v, principal) =>
      v.children.length && !v.safeguarding.some((s) => s.kind !== 'pac')
        ? `Children were identified in the household and no welfare visit or social care referral is recorded. ${
            maySuperviseClosing(principal.roles)
              ? 'Record one first, or give your reason as supervisor to close without one.'
              : 'Record one first: only a supervisor may close the case without one.'
          }`
        : undefined,
    fields: async () => [
      atField,
      reasonField('Supervisor’s reason (only to close without a welfare visit or referral)'),
    ],
    save: (d, caseId, input, principal) =>
      d.online.changeStage(
        { case: caseId, stage: 'closed', at: input.at, reason: input.reason ?? undefined },
        principal,
      ),
  })
}
