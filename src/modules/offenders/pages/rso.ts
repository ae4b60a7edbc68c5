import type { FastifyInstance } from 'fastify'
import type { Principal } from '../../../platform/auth/principal.ts'
import { page, view } from '../../../platform/http/page.ts'
import { mayDo, offendersAccess, rsoKind } from '../access.ts'
import { basisLabels, notificationLabels, orderLabels, riskLabels } from '../rso.ts'
import { identityOf, type OffendersPageDeps, offendersPath } from './shared.ts'

const open = new Set(['due', 'breached', 'acknowledged'])

/** The sections of the RSO's page, in order, each with the form that adds to it (if any) and who may use it. */
const sections = [
  { id: 'arms', title: 'ARMS assessments', add: 'arms', addText: 'Record an ARMS assessment', may: 'write' },
  {
    id: 'risk-changes',
    title: 'Risk level changes',
    add: 'risk',
    addText: 'Change the risk level',
    may: 'write',
  },
  {
    id: 'information',
    title: 'New information',
    add: 'information',
    addText: 'Record new information',
    may: 'write',
  },
  {
    id: 'plans',
    title: 'Risk management plans',
    add: 'plans',
    addText: 'Agree a risk management plan',
    may: 'write',
  },
  { id: 'visits', title: 'Visits', add: 'visits', addText: 'Record a visit', may: 'write' },
  {
    id: 'notifications',
    title: 'Notifications',
    add: 'notifications',
    addText: 'Record a notification',
    may: 'write',
  },
  { id: 'addresses', title: 'Addresses' },
  {
    id: 'allocations',
    title: 'Offender managers',
    add: 'allocation',
    addText: 'Reallocate to another manager',
    may: 'reallocate',
  },
  { id: 'offences', title: 'Offences' },
  { id: 'orders', title: 'Civil orders' },
] as const

/** What the RSO's page shows, for someone who may see them (a 404 otherwise); the read is logged. */
export async function rsoPage(deps: OffendersPageDeps, key: string, principal: Principal) {
  const v = await deps.offenders.view(key, principal)
  const findings = (await deps.standards.findingsForSubject(rsoKind.kind, v.rso.id)).filter((f) =>
    open.has(f.status),
  )
  const id = v.rso.id
  const armsRef = new Map(v.arms.map((a) => [a.id, a.ref]))
  return {
    pageTitle: `${identityOf(v).name}, ${v.rso.ref}`,
    rso: identityOf(v),
    record: v.rso,
    person: v.person,
    basisLabel: basisLabels[v.rso.notification_basis],
    teamName: v.teamName,
    findings,
    sections: sections.map((s) => ({
      id: s.id,
      title: s.title,
      add:
        'add' in s && mayDo(s.may, principal.roles)
          ? { href: `${offendersPath}/${id}/${s.add}`, text: s.addText }
          : null,
    })),
    arms: v.arms.map((a) => ({ ...a, priorityLabel: riskLabels[a.priority] })),
    riskChanges: v.riskChanges.map((c) => ({
      ...c,
      fromLabel: riskLabels[c.from_level],
      toLabel: riskLabels[c.to_level],
    })),
    information: v.information,
    plans: v.plans.map((p) => ({
      ...p,
      riskLabel: riskLabels[p.risk_level],
      armsRef: p.arms_id ? (armsRef.get(p.arms_id) ?? null) : null,
    })),
    visits: v.visits.map((visit) => ({ ...visit, pacs: v.pacLinks.filter((l) => l.visit_id === visit.id) })),
    notifications: v.notifications.map((n) => ({
      ...n,
      kindLabel: notificationLabels[n.kind],
      pacs: v.pacLinks.filter((l) => l.notification_id === n.id),
    })),
    // Children found with the RSO (RSO-06): a PAC is raised for each, then linked to what found them.
    linkPac:
      mayDo('write', principal.roles) &&
      (v.visits.some((visit) => visit.children_present) ||
        v.notifications.some((n) => n.kind === 'household_with_child'))
        ? `${offendersPath}/${id}/pac-links`
        : null,
    investigations: v.investigations,
    addresses: v.addresses,
    allocations: v.allocations,
    offences: v.offences,
    orders: v.orders.map((o) => ({ ...o, kindLabel: orderLabels[o.kind] })),
  }
}

/** One RSO: their record, the rules' open findings about them, and everything the managers keep. */
export function rsoPages(app: FastifyInstance, deps: OffendersPageDeps) {
  page(app, `${offendersPath}/:id`, {
    access: offendersAccess.read,
    get: async ({ params, principal }) =>
      view('offenders/views/rso.njk', await rsoPage(deps, params.id as string, principal)),
  })
}
