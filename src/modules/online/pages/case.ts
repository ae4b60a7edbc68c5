import type { FastifyInstance } from 'fastify'
import { page, view } from '../../../platform/http/page.ts'
import { formatSpan } from '../../../platform/time.ts'
import { type OutcomeCode, outcomeLabels } from '../../investigations/investigation.ts'
import { mayDo as mayDoWithDevices } from '../../triage/access.ts'
import { decisionLabels, deviceKindLabels, deviceStatusLabels } from '../../triage/device.ts'
import { devicesPath } from '../../triage/pages/shared.ts'
import { mayDo, onlineAccess, onlineCaseKind } from '../access.ts'
import {
  kiratLabels,
  materialCategoryLabels,
  sourceLabels,
  stageLabels,
  teamKindLabels,
} from '../online-case.ts'
import { casePath, type OnlinePageDeps, onlinePath } from './shared.ts'

const open = new Set(['due', 'breached', 'acknowledged'])
const safeguardingLabels = {
  pac: 'PAC raised',
  social_care_referral: 'Referral to children’s social care',
  welfare_visit: 'Welfare visit',
} as const

/** One case: what was found, the suspect, KIRAT, the household, and its timeline with the time in each stage. */
export function casePages(app: FastifyInstance, deps: OnlinePageDeps) {
  page(app, `${onlinePath}/cases/:caseId`, {
    access: onlineAccess.read,
    get: async ({ params, principal, request }) => {
      const v = await deps.online.view(params.caseId as string, principal, request.id)
      const findings = (await deps.standards.findingsForSubject(onlineCaseKind.kind, v.case.id)).filter((f) =>
        open.has(f.status),
      )
      const c = v.case
      const isOpen = c.stage !== 'closed'
      const protectedHousehold = v.safeguarding.some((s) => s.kind !== 'pac')
      return view('online/views/case.njk', {
        pageTitle: `Online case ${c.ref}`,
        c,
        sourceLabel: sourceLabels[c.source],
        materialLabel: materialCategoryLabels[c.materialCategory],
        stageLabel: stageLabels[c.stage],
        inStage: formatSpan(c.msInStage),
        teamKindLabel: c.allocatedTeamKind ? teamKindLabels[c.allocatedTeamKind] : null,
        outcomeLabel: c.outcomeCode
          ? `${c.outcomeCode}: ${outcomeLabels[c.outcomeCode as OutcomeCode]}`
          : null,
        findings,
        kirat: v.kirat.map((k) => ({ ...k, levelLabel: kiratLabels[k.level] })),
        identifiers: v.identifiers,
        devices: v.devices.map((d) => ({
          ...d,
          kindLabel: deviceKindLabels[d.kind as keyof typeof deviceKindLabels] ?? d.kind,
          statusLabel: deviceStatusLabels[d.status as keyof typeof deviceStatusLabels] ?? d.status,
          recommendationLabel: d.recommendation
            ? decisionLabels[d.recommendation as keyof typeof decisionLabels]
            : 'Not triaged',
          // The device's own page, with its triage result's counts, for those who read devices.
          href: mayDoWithDevices('read', principal.roles) ? `${devicesPath}/${d.id}` : null,
        })),
        deviceCounts: v.deviceCounts,
        // Each child without a PAC is offered one (the referrals module's form, the child chosen).
        children: v.children.map((ch) => ({
          ...ch,
          raisePac:
            ch.person && !v.safeguarding.some((s) => s.kind === 'pac' && s.child?.id === ch.person?.id)
              ? `/pacs/new?child=${encodeURIComponent(ch.person.ref)}`
              : null,
        })),
        safeguarding: v.safeguarding.map((s) => ({
          ...s,
          label: safeguardingLabels[s.kind as keyof typeof safeguardingLabels],
        })),
        childrenUnprotected: v.children.length > 0 && !protectedHousehold,
        timeline: v.timeline.map((t) => ({
          ...t,
          label: stageLabels[t.stage],
          duration: formatSpan(t.msInStage),
          teamKindLabel: t.teamKind ? teamKindLabels[t.teamKind] : null,
        })),
        actions: isOpen
          ? [
              mayDo('investigate', principal.roles) && {
                href: `${casePath(c.id)}/stage`,
                text: 'Move to the next stage',
              },
              mayDo('allocate', principal.roles) && { href: `${casePath(c.id)}/allocate`, text: 'Allocate' },
              mayDo('record', principal.roles) && {
                href: `${casePath(c.id)}/kirat`,
                text: 'Record a KIRAT assessment',
              },
              mayDo('investigate', principal.roles) && {
                href: `${casePath(c.id)}/children`,
                text: 'Record a child in the household',
              },
              // The one form for devices is the triage module's, given the case's reference.
              mayDoWithDevices('recordDevice', principal.roles) && {
                href: `${devicesPath}/new?case=${encodeURIComponent(c.ref)}`,
                text: 'Record a seized device',
              },
              mayDo('investigate', principal.roles) && {
                href: `${casePath(c.id)}/safeguarding`,
                text: 'Record safeguarding',
              },
              mayDo('investigate', principal.roles) && {
                href: `${casePath(c.id)}/close`,
                text: 'Close the case',
              },
            ].filter(Boolean)
          : [],
      })
    },
  })
}
