import type { z } from 'zod'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { StandardsService } from '../../../standards/service.ts'
import { rsoKind } from '../access.ts'
import type { OffendersService } from '../service.ts'
import type { rsoOutput } from './schemas.ts'

/** One RSO as the API answers: their record, open findings and everything kept about them; the read is logged. */
export async function rsoAnswer(
  offenders: Pick<OffendersService, 'view'>,
  standards: Pick<StandardsService, 'findingsForSubject'>,
  key: string,
  principal: Principal,
): Promise<z.input<typeof rsoOutput>> {
  const v = await offenders.view(key, principal)
  const findings = await standards.findingsForSubject(rsoKind.kind, v.rso.id)
  const armsRef = new Map(v.arms.map((a) => [a.id, a.ref]))
  return {
    id: v.rso.id,
    ref: v.rso.ref,
    personRef: v.person?.ref ?? null,
    name: v.person?.name ?? 'Unknown person',
    status: v.rso.status,
    riskLevel: v.rso.risk_level,
    notification: {
      basis: v.rso.notification_basis,
      start: v.rso.notification_start,
      end: v.rso.notification_end,
    },
    mappa: { category: v.rso.mappa_category, level: v.rso.mappa_level },
    visorRef: v.rso.visor_ref,
    address: v.rso.address,
    borough: v.boroughName,
    ward: v.wardName,
    manager: v.managerName,
    team: v.teamName,
    version: v.rso.version,
    findings: findings
      .filter((f) => ['due', 'breached', 'acknowledged'].includes(f.status))
      .map((f) => ({
        ruleId: f.ruleId,
        title: f.ruleTitle,
        status: f.status,
        dueAt: f.dueAt,
        detail: f.detail,
      })),
    arms: v.arms.map((a) => ({
      ref: a.ref,
      assessedOn: a.assessed_on,
      assessor: a.assessor_name,
      priority: a.priority,
      keyFactors: a.key_factors,
    })),
    riskChanges: v.riskChanges.map((c) => ({
      ref: c.ref,
      changedAt: c.changed_at,
      fromLevel: c.from_level,
      toLevel: c.to_level,
      reason: c.reason,
      changedBy: c.changed_by,
    })),
    information: v.information.map((i) => ({
      ref: i.ref,
      receivedAt: i.received_at,
      source: i.source,
      summary: i.summary,
    })),
    plans: v.plans.map((p) => ({
      ref: p.ref,
      planNumber: p.plan_number,
      agreedAt: p.agreed_at,
      author: p.author_name,
      arms: p.arms_id ? (armsRef.get(p.arms_id) ?? null) : null,
      riskLevel: p.risk_level,
      actions: p.actions,
    })),
    visits: v.visits.map((x) => ({
      ref: x.ref,
      plannedOn: x.planned_on,
      visitedAt: x.visited_at,
      announced: x.announced,
      officers: x.officers,
      outcome: x.outcome,
      childrenPresent: x.children_present,
      concerns: x.concerns,
      socialCareReferralAt: x.social_care_referral_at,
    })),
    notifications: v.notifications.map((n) => ({
      ref: n.ref,
      kind: n.kind,
      notifiedAt: n.notified_at,
      deadlineAt: n.deadline_at,
      details: n.details,
      socialCareReferralAt: n.social_care_referral_at,
    })),
    addresses: v.addresses.map((a) => ({
      address: a.address,
      borough: a.borough,
      from: a.from_date,
      to: a.to_date,
    })),
    allocations: v.allocations.map((a) => ({
      ref: a.ref,
      manager: a.name,
      staffNumber: a.staff_number,
      from: a.from_at,
      to: a.to_at,
      reason: a.reason,
      allocatedBy: a.allocated_by,
    })),
    offences: v.offences.map((o) => ({ offence: o.offence, convictedOn: o.convicted_on, court: o.court })),
    orders: v.orders.map((o) => ({
      kind: o.kind,
      startsOn: o.starts_on,
      endsOn: o.ends_on,
      conditions: o.conditions,
    })),
  }
}
