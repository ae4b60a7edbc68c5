import type { FastifyInstance, FastifyRequest } from 'fastify'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { personReaders, personWriterRoles } from '../access.ts'
import { displayName, ethnicityLabel, flagLabels } from '../person.ts'
import type { Person } from '../service.ts'
import { identity, listViewer, peoplePath, personFor } from './shared.ts'

/** The person's page and its tabs: every view is written to the access log. */
export function personPages(app: FastifyInstance, services: Services) {
  const { children } = services

  const personPage = (
    suffix: string,
    template: string,
    section: string,
    load: (person: Person, request: FastifyRequest, principal: Principal) => Promise<Record<string, unknown>>,
  ) =>
    page(app, `${peoplePath}/:id${suffix}`, {
      access: personReaders,
      get: async ({ request, reply, params, principal }) => {
        // A merged record's own page says where it went; its tabs and its ref lead to the survivor.
        if (suffix === '') {
          const record = await children.findRecord(params.id as string)
          if (record?.mergedInto) return mergedPage(request, record)
        }
        const person = await personFor(services, request, reply, suffix)
        if (!person) return reply
        await children.recordView(principal, person.id, request.id)
        const header = await identity(services, person)
        const writer = principal.roles.some((r) => personWriterRoles.includes(r))
        const canEdit = writer && (await children.canEdit(principal, person.id))
        return view(template, {
          pageTitle: `${header.name}: ${section}`,
          section,
          ...header,
          canEdit,
          // A writer from another area sees why the forms are not offered.
          heldElsewhere: writer && !canEdit,
          ...(await load(person, request, principal)),
        })
      },
    })

  const mergedPage = async (request: FastifyRequest, record: Person & { mergedAt: Date | null }) => {
    await children.recordView(request.principal as Principal, record.id, request.id)
    const survivor = await children.find(record.id)
    return view('children/views/merged.njk', {
      pageTitle: `${displayName(record)}: merged record`,
      record,
      name: displayName(record),
      ethnicity: ethnicityLabel(record.ethnicity),
      survivor,
      survivorName: survivor ? displayName(survivor) : '',
    })
  }

  personPage('', 'children/views/person.njk', 'Summary', async (person) => ({
    allFlags: (await children.flags(person.id)).map((f) => ({ ...f, label: flagLabels[f.flag] })),
    addresses: await children.addresses(person.id),
  }))

  // The household tab lists other people (name, age): one list read naming them, besides the page's read.
  personPage('/household', 'children/views/household.njk', 'Household', async (person, request) => {
    const today = children.today()
    const households = await children.householdOn(person.id, today)
    const relationships = await children.relationships(person.id)
    const others = [
      ...households.flatMap((h) => h.members.map((m) => m.person.id)),
      ...relationships.map((r) => r.other.id),
    ].filter((id) => id !== person.id)
    if (others.length)
      await children.recordList(listViewer(request), others, {
        detail: { reason: 'household of', personId: person.id },
      })
    return {
      households: households.map((h) => ({
        ...h,
        members: h.members.map((m) => ({
          ...m,
          name: displayName(m.person),
          self: m.person.id === person.id,
        })),
      })),
      memberships: await children.memberships(person.id),
      relationships: relationships.map((r) => ({ ...r, otherName: displayName(r.other) })),
    }
  })

  // Each provider lists only what the reader may see: another BCU's PACs and episodes stay off the page.
  personPage('/timeline', 'children/views/timeline.njk', 'Timeline', async (person, _request, principal) => ({
    items: await children.timeline(person.id, reachOf(principal)),
  }))
}
