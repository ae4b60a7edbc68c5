import type { FastifyInstance, FastifyRequest } from 'fastify'
import { permits } from '../../../platform/access/access.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { courseLabels, type TeamKind, teamKindLabels } from '../../organisation/organisation.ts'
import { skillsAccess, skillsReach } from '../access.ts'
import { courseStateLabels, tally, tallyBy, tallyByCourse } from '../coverage.ts'
import { visibleTeams } from '../service/audit.ts'
import { emptyTally, skillsPath, tallyRow } from './shared.ts'

const kindLabel = (kind: string) => teamKindLabels[kind as TeamKind] ?? kind

/** The force view, a BCU's teams, a team's people and one person: who holds the training they need, who is booked, who has no plan. */
export function coveragePages(app: FastifyInstance, services: Services) {
  const { skills, accessLog, config } = services

  page(app, skillsPath, {
    access: skillsAccess.read,
    get: async ({ principal }) => {
      const audit = await skills.audit()
      const reach = skillsReach(principal)
      const visible = new Set(visibleTeams(audit, reach).map((t) => t.id))
      const byBcu = tallyBy(audit.coverage, (c) => c.team.bcuId)
      const byTeam = tallyBy(audit.coverage, (c) => c.team.id)
      const seesBcu = (bcuId: string) => audit.teams.some((t) => t.bcuId === bcuId && visible.has(t.id))
      return view('skills/views/force.njk', {
        pageTitle: `Skills audit: ${config.forceName}`,
        day: audit.day,
        // Figures, not people: every leader may compare their BCU with the others, as on the dashboard.
        bcus: audit.bcus.map((b) => ({
          name: b.name,
          href: seesBcu(b.id) ? `${skillsPath}/bcus/${b.id}` : null,
          ...tallyRow(byBcu.get(b.id) ?? emptyTally),
        })),
        forceTeams: audit.teams
          .filter((t) => t.bcuId === null && byTeam.has(t.id))
          .map((t) => ({
            name: t.name,
            href: visible.has(t.id) ? `${skillsPath}/teams/${t.id}` : null,
            ...tallyRow(byTeam.get(t.id) ?? emptyTally),
          })),
        total: tallyRow(tally(audit.coverage.map((c) => c.state))),
        courses: [...tallyByCourse(audit.coverage)].map(([course, t]) => ({
          name: courseLabels[course],
          ...tallyRow(t),
        })),
      })
    },
  })

  page(app, `${skillsPath}/bcus/:bcuId`, {
    access: skillsAccess.read,
    get: async ({ params, principal }) => {
      const audit = await skills.audit()
      const bcu = audit.bcus.find((b) => b.id === params.bcuId)
      const teams = visibleTeams(audit, skillsReach(principal)).filter((t) => bcu && t.bcuId === bcu.id)
      if (!bcu || !teams.length) throw new NotFoundError('There is no such BCU')
      const byTeam = tallyBy(audit.coverage, (c) => c.team.id)
      const shown = new Set(teams.map((t) => t.id))
      return view('skills/views/bcu.njk', {
        pageTitle: `Skills audit: ${bcu.name}`,
        day: audit.day,
        teams: teams
          .filter((t) => byTeam.has(t.id))
          .map((t) => ({
            name: t.name,
            kind: kindLabel(t.kind),
            href: `${skillsPath}/teams/${t.id}`,
            ...tallyRow(byTeam.get(t.id) ?? emptyTally),
          })),
        total: tallyRow(tally(audit.coverage.filter((c) => shown.has(c.team.id)).map((c) => c.state))),
      })
    },
  })

  page(app, `${skillsPath}/teams/:teamId`, {
    access: skillsAccess.read,
    get: async ({ params, principal, request }) => {
      const audit = await skills.audit()
      const team = visibleTeams(audit, skillsReach(principal)).find((t) => t.id === params.teamId)
      if (!team) throw new NotFoundError('There is no such team')
      const people = audit.coverage.filter((c) => c.team.id === team.id)
      await logList(
        request,
        principal,
        people.map((c) => c.person.id),
      )
      const courses = [...new Set(people.flatMap((c) => c.courses.map((x) => x.course)))]
      const bcu = audit.bcus.find((b) => b.id === team.bcuId)
      const canBook = permits(skillsAccess.book, principal.roles)
      return view('skills/views/team.njk', {
        pageTitle: `Skills audit: ${team.name}`,
        day: audit.day,
        kind: kindLabel(team.kind),
        back: bcu ? { href: `${skillsPath}/bcus/${bcu.id}`, text: `Back to ${bcu.name}` } : null,
        courseNames: courses.map((c) => courseLabels[c]),
        total: tallyRow(tally(people.map((c) => c.state))),
        people: people.map((c) => ({
          id: c.person.id,
          name: c.person.name,
          staffNumber: c.person.staffNumber,
          role: c.person.role,
          startDate: c.person.startDate,
          state: courseStateLabels[c.state],
          stateKey: c.state,
          cells: courses.map((course) => {
            const held = c.courses.find((x) => x.course === course)
            if (!held) return 'Not required'
            if (held.state === 'trained') return `Trained ${held.completedOn}`
            if (held.state === 'scheduled') return `Scheduled ${held.scheduledOn}`
            return courseStateLabels.no_plan
          }),
          bookHref:
            canBook && c.state !== 'trained' ? `${skillsPath}/people/${c.person.id}/bookings/new` : null,
        })),
      })
    },
  })

  page(app, `${skillsPath}/people/:staffId`, {
    access: skillsAccess.read,
    get: async ({ params, principal, request }) => {
      const { staff, team, coverage } = await skills.personInReach(
        params.staffId as string,
        skillsReach(principal),
      )
      await accessLog.record({
        actorId: principal.id,
        actorName: principal.username,
        action: 'read',
        subjectKind: 'staff',
        subjectId: staff.id,
        requestId: request.id,
      })
      return view('skills/views/person.njk', {
        pageTitle: `Training of ${staff.name}`,
        staff,
        team,
        kind: kindLabel(team.kind),
        state: coverage ? courseStateLabels[coverage.state] : null,
        courses: (coverage?.courses ?? []).map((c) => ({
          name: courseLabels[c.course],
          text:
            c.state === 'trained'
              ? `Trained ${c.completedOn}`
              : c.state === 'scheduled'
                ? `Scheduled ${c.scheduledOn}`
                : courseStateLabels.no_plan,
        })),
        bookHref:
          permits(skillsAccess.book, principal.roles) && coverage && coverage.state !== 'trained'
            ? `${skillsPath}/people/${staff.id}/bookings/new`
            : null,
      })
    },
  })

  /** One access-log row for the people a team page showed. */
  function logList(request: FastifyRequest, principal: Principal, ids: string[]) {
    return accessLog.recordList({
      actorId: principal.id,
      actorName: principal.username,
      subjectKind: 'staff',
      query: `GET ${request.url}`,
      ids,
      requestId: request.id,
    })
  }
}
