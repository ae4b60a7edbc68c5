import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { permits } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import { recordVersion, text } from '../../platform/http/form-fields.ts'
import { formOnPage, notShown, type PageOf, type Shown } from '../../platform/http/form-on-page.ts'
import { page, view } from '../../platform/http/page.ts'
import { staffAccess, teamRoles } from '../access.ts'
import { sourceLabels } from '../rule.ts'
import type { StandardsService } from '../service.ts'
import { readerOf, viewFinding } from './shared.ts'

export const eventLabels: Record<string, string> = {
  opened: 'Opened',
  breached: 'Breached',
  acknowledged: 'Acknowledged',
  resolved_auto: 'Resolved: the record no longer breaches',
  resolved_by_supervisor: 'Resolved by a supervisor',
  reopened: 'Reopened',
  met: 'Met',
}

// The words are the service's to judge (it names the field): one rule for the page, the API and the CLI.
const acknowledgeForm = z.object({ note: text(), version: recordVersion() })
const resolveForm = z.object({ reason: text(), version: recordVersion() })

/**
 * One finding: what is wrong, the standard, its history, and a supervisor's acknowledgement or
 * resolution. Reading the page and acting on it are open to different roles, so the two forms are forms on
 * the finding's page under their own access, shown again there with their problems.
 */
export function findingPages(app: FastifyInstance, service: StandardsService) {
  const findingPage = async ({ request, principal, params }: PageOf, shown: Shown) => {
    const id = params.id as string
    const finding = await service.finding(id, reachOf(principal))
    await service.logRead(readerOf(request), id)
    const boroughs = await service.boroughs()
    return view('views/finding.njk', {
      pageTitle: `${finding.ruleId} ${finding.ruleTitle}`,
      finding: viewFinding(finding),
      rule: finding.rule,
      sourceLabel: finding.rule ? sourceLabels[finding.rule.source] : '',
      detail: finding,
      boroughName: boroughs.find((b) => b.id === finding.boroughId)?.name,
      isOpen: finding.closedAt === null,
      canAct: permits(teamRoles, principal.roles),
      events: finding.events.map((e) => ({ ...e, label: eventLabels[e.event] })),
      errors: shown.errors,
      fieldErrors: shown.fieldErrors,
      note: shown.values.note ?? '',
      reason: shown.values.reason ?? '',
    })
  }

  page(app, '/findings/:id', { access: staffAccess, get: (on) => findingPage(on, notShown) })

  const actor = (on: PageOf) => ({ reach: reachOf(on.principal), by: on.principal.username })
  // A finding out of the person's reach answers 404 before anything is said of the form.
  const check = async (on: PageOf) => {
    await service.finding(on.params.id as string, reachOf(on.principal))
  }
  formOnPage(app, '/findings/:id/acknowledge', {
    access: teamRoles,
    form: acknowledgeForm,
    check,
    page: findingPage,
    save: async (on) => {
      await service.acknowledge(on.params.id as string, actor(on), on.input.note, on.input.version)
      return `/findings/${on.params.id}`
    },
  })
  formOnPage(app, '/findings/:id/resolve', {
    access: teamRoles,
    form: resolveForm,
    check,
    page: findingPage,
    save: async (on) => {
      await service.resolve(on.params.id as string, actor(on), on.input.reason, on.input.version)
      return `/findings/${on.params.id}`
    },
  })
}
