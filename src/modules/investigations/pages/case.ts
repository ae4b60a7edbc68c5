import type { FastifyInstance } from 'fastify'
import { permits } from '../../../platform/access/access.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import {
  conferenceRecorders,
  investigationAllocators,
  investigationClosers,
  investigationKind,
  investigationReaders,
  investigationReviewers,
  investigationWorkers,
  strategyRecorders,
} from '../access.ts'
import {
  actionKindLabels,
  agencyLabels,
  type CaseType,
  caseTypeLabels,
  outcomeLabels,
  personRoleLabels,
  strandLabels,
} from '../investigation.ts'
import { caseFor, investigationsPath, type Tab, tabLabels, tabPath, tabs } from './shared.ts'

type Case = Awaited<ReturnType<typeof caseFor>>

/** Everything that happened on the case, newest first. */
function timelineOf(c: Case) {
  const i = c.investigation
  return [
    { at: i.opened_at, title: 'Investigation opened' },
    ...c.allocations.map((a) => ({
      at: a.allocated_at,
      title: `Allocated to ${a.staffName}`,
      detail: a.reason ?? undefined,
    })),
    ...c.actions.map((a) => ({
      at: a.directed_at,
      title: `${actionKindLabels[a.kind as 'action']}: ${a.description}`,
    })),
    ...c.actions
      .filter((a) => a.done_at)
      .map((a) => ({ at: a.done_at as Date, title: `Done: ${a.description}` })),
    ...c.reviews.map((r) => ({
      at: r.reviewed_at,
      title: `Supervisory review by ${r.reviewer_name}`,
      detail: r.findings,
    })),
    ...c.discussions.map((d) => ({ at: d.held_at, title: 'Strategy discussion', detail: d.decisions })),
    ...c.conferences.map((x) => ({ at: x.held_at, title: 'Initial child protection conference' })),
    ...c.protections.map((p) => ({
      at: p.started_at,
      title: `Police protection of ${p.personName} began`,
    })),
    ...c.protections
      .filter((p) => p.ended_at)
      .map((p) => ({ at: p.ended_at as Date, title: `Police protection of ${p.personName} ended` })),
    ...c.people
      .filter((p) => p.seen_at)
      .map((p) => ({
        at: p.seen_at as Date,
        title: `${p.name} seen by ${p.seen_by_name ?? 'an officer'}${p.spoken_to ? ' and spoken to' : ', not spoken to'}`,
        detail: p.not_seen_reason ?? undefined,
      })),
    ...(i.crime_recorded_at
      ? [{ at: i.crime_recorded_at, title: `Crime recorded: ${i.offence} (${i.crime_reference})` }]
      : []),
    ...(i.closed_at
      ? [
          {
            at: i.closed_at,
            title: `Closed by ${i.closed_by_name}`,
            detail: i.closure_rationale ?? undefined,
          },
        ]
      : []),
  ].sort((a, b) => b.at.getTime() - a.at.getTime())
}

/** The case page: its summary and a tab for each part of the record, with the standards' findings. */
export function casePages(app: FastifyInstance, services: Services) {
  for (const tab of tabs) {
    page(app, tab === 'summary' ? `${investigationsPath}/:id` : `${investigationsPath}/:id/${tab}`, {
      access: investigationReaders,
      get: async ({ params, principal, request }) => {
        const id = params.id as string
        const c = await caseFor(services, id, principal, request.id)
        const findings = await services.standards.findingsForSubject(investigationKind.kind, id)
        const open = findings.filter((f) => ['due', 'breached', 'acknowledged'].includes(f.status))
        const i = c.investigation
        return view('investigations/views/investigation.njk', {
          pageTitle: `${i.ref}: ${tabLabels[tab]}`,
          c,
          i,
          tab,
          subNav: tabs.map((t: Tab) => ({ text: tabLabels[t], href: tabPath(id, t), active: t === tab })),
          caseTypeLabel: caseTypeLabels[i.case_type as CaseType],
          strandLabels: i.strands.map((s) => strandLabels[s as 'cse']),
          outcomeLabel: i.outcome ? outcomeLabels[i.outcome as '1'] : null,
          personRoleLabels,
          agencyLabels,
          actionKindLabels,
          findings,
          openFindings: open.length,
          timeline: timelineOf(c),
          may: {
            review: permits(investigationReviewers, principal.roles),
            allocate: permits(investigationAllocators, principal.roles),
            strategy: permits(strategyRecorders, principal.roles),
            conference: permits(conferenceRecorders, principal.roles),
            close: permits(investigationClosers, principal.roles),
            work: permits(investigationWorkers, principal.roles),
          },
        })
      },
    })
  }
}
