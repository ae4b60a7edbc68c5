import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { NotFoundError } from '../../../platform/http/errors.ts'
import {
  checkbox,
  optionalText,
  radios,
  recordVersion,
  text,
  wholeNumber,
} from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { teamKindLabels, teamKinds } from '../organisation.ts'
import type { Team } from '../service.ts'
import { admins, isAdmin, organisationPath, readers, recordOptions, selectOptions } from './shared.ts'

/** The team form's fields, in the order the page shows them; the service checks them again. */
const teamForm = z.object({
  name: text({
    required: 'Enter the team name',
    maxLength: 200,
    tooLong: 'Team name must be 200 characters or fewer',
  }),
  kind: radios(teamKinds, 'Select the kind of team'),
  boroughId: optionalText(),
  bcuId: optionalText(),
  capacity: wholeNumber({
    message: 'Capacity must be a whole number',
    min: 1,
    max: 1000,
    outOfRange: 'Capacity must be a whole number from 1 to 1000',
  }),
  reviewCadenceDays: wholeNumber({
    message: 'Review cadence must be a whole number',
    min: 1,
    max: 365,
    outOfRange: 'Review cadence must be a whole number of days from 1 to 365',
  }),
  active: checkbox(),
})
const teamEditForm = teamForm.extend({ version: recordVersion() })

/** What the form shows: as typed, or from the record. */
type TeamValues = Record<string, unknown>

const valuesOf = (team: Team): TeamValues => ({
  name: team.name,
  kind: team.kind,
  boroughId: team.boroughId ?? '',
  bcuId: team.bcuId ?? '',
  capacity: team.capacity === null ? '' : String(team.capacity),
  reviewCadenceDays: team.reviewCadenceDays === null ? '' : String(team.reviewCadenceDays),
  active: team.active,
})

/** The force's teams: the list, adding one and changing one. */
export function teamPages(app: FastifyInstance, services: Services) {
  const organisation = services.organisation

  async function teamFormView(team: { id?: string; version?: number | string }, values: TeamValues) {
    const force = await organisation.force()
    const [bcus, boroughs] = await Promise.all([organisation.bcus(force.id), organisation.boroughs(force.id)])
    return view('organisation/views/team-form.njk', {
      pageTitle: team.id ? `Change team: ${values.name}` : 'Add a team',
      action: team.id ? `${organisationPath}/teams/${team.id}` : `${organisationPath}/teams`,
      version: team.version,
      values,
      kindOptions: selectOptions(
        teamKinds,
        teamKindLabels,
        String(values.kind ?? ''),
        'Select the kind of team',
      ),
      boroughOptions: recordOptions(boroughs, String(values.boroughId ?? ''), 'None'),
      bcuOptions: recordOptions(bcus, String(values.bcuId ?? ''), 'None'),
    })
  }

  page(app, `${organisationPath}/teams`, {
    access: readers,
    get: async ({ principal }) => {
      const force = await organisation.force()
      const [teams, bcus, boroughs] = await Promise.all([
        organisation.teams(force.id),
        organisation.bcus(force.id),
        organisation.boroughs(force.id),
      ])
      const areaOf = (team: Team) => {
        if (team.boroughId) return boroughs.find((b) => b.id === team.boroughId)?.name ?? ''
        if (team.bcuId) return bcus.find((b) => b.id === team.bcuId)?.name ?? ''
        return 'Force-wide'
      }
      return view('organisation/views/teams.njk', {
        pageTitle: 'Teams',
        teams: teams.map((t) => ({
          ...t,
          kindLabel: teamKindLabels[t.kind as keyof typeof teamKindLabels] ?? t.kind,
          area: areaOf(t),
        })),
        canChange: isAdmin(principal),
      })
    },
  })

  page(app, `${organisationPath}/teams/new`, {
    access: admins,
    form: teamForm,
    action: `${organisationPath}/teams`,
    get: async ({ form }) => teamFormView({}, form ? form.values : { active: true }),
    post: async ({ input, principal }) => {
      const force = await organisation.force()
      await organisation.createTeam(force.id, input, principal.id)
      return `${organisationPath}/teams`
    },
  })

  page(app, `${organisationPath}/teams/:teamId/edit`, {
    access: admins,
    form: teamEditForm,
    action: `${organisationPath}/teams/:teamId`,
    get: async ({ params, form }) => {
      const team = await organisation.team(params.teamId as string)
      if (!team) throw new NotFoundError()
      // Shown again, the form keeps the version the person started from, so a stale edit stays stale.
      return form
        ? teamFormView({ id: team.id, version: form.values.version }, form.values)
        : teamFormView(team, valuesOf(team))
    },
    post: async ({ params, input: { version, ...input }, principal }) => {
      const team = await organisation.team(params.teamId as string)
      if (!team) throw new NotFoundError()
      await organisation.updateTeam(team.id, version, input, principal.id)
      return `${organisationPath}/teams`
    },
  })
}
