import { londonTime } from '../../../platform/time.ts'
import {
  aaRelationshipLabels,
  absenceReasonLabels,
  type CustodyEvent,
  destinationLabels,
  eventKindLabels,
  extensionKindLabels,
  laResponseLabels,
  observationLevelLabels,
  rankLabels,
  searchTypeLabels,
} from '../custody.ts'

/** What the timeline shows for one event: its title and the facts recorded with it. */
export function describeEvent(e: CustodyEvent): { title: string; lines: string[] } {
  const lines: string[] = []
  const yes = (v: boolean | null | undefined) => (v ? 'yes' : 'no')
  switch (e.kind) {
    case 'aa_contacted':
      lines.push(
        `${e.personName} (${aaRelationshipLabels[e.aaRelationship as keyof typeof aaRelationshipLabels] ?? e.aaRelationship})`,
      )
      break
    case 'rights_given':
      lines.push(`Appropriate adult present: ${yes(e.aaPresent)}`, `Countersigned: ${yes(e.countersigned)}`)
      break
    case 'risk_assessed':
      lines.push(observationLevelLabels[e.observationLevel as keyof typeof observationLevelLabels] ?? '')
      break
    case 'interview':
      lines.push(`Appropriate adult present: ${yes(e.aaPresent)}`)
      if (e.endedAt) lines.push(`Ended ${londonTime(e.endedAt)}`)
      if (e.urgentInterviewAuthorised)
        lines.push(`Urgent interview authorised${e.officerName ? ` by ${e.officerName}` : ''}`)
      break
    case 'search':
      lines.push(searchTypeLabels[e.searchType as keyof typeof searchTypeLabels] ?? '')
      if (e.officerName) lines.push(`Authorised by ${e.officerName}`)
      if (e.searchType !== 'other') lines.push(`Appropriate adult present: ${yes(e.aaPresent)}`)
      if (e.personsPresent) lines.push(`Present: ${e.personsPresent}`)
      if (e.urgencyReason) lines.push(`Urgency: ${e.urgencyReason}`)
      break
    case 'review':
      lines.push(`${rankLabels[e.officerRank as keyof typeof rankLabels] ?? ''} ${e.officerName}`.trim())
      lines.push(
        e.inPerson
          ? 'In person'
          : `In the child’s absence: ${absenceReasonLabels[e.absenceReason as keyof typeof absenceReasonLabels] ?? ''}`,
      )
      if (e.aaIntervention) lines.push(`Appropriate adult awaited: ${e.aaIntervention}`)
      break
    case 'charged':
      lines.push(
        `Appropriate adult present: ${e.aaPresent === true ? 'yes' : e.aaPresent === false ? 'no' : 'not recorded'}`,
      )
      break
    case 'extension':
      lines.push(
        `${extensionKindLabels[e.extensionKind as keyof typeof extensionKindLabels] ?? ''}: ${e.officerName}`,
      )
      break
    case 'bail_decision':
      lines.push(e.bailRefused ? 'Bail refused' : 'Bail granted')
      break
    case 'accommodation_request':
      lines.push(e.secure ? 'Secure accommodation' : 'Non-secure accommodation')
      if (e.localAuthority) lines.push(e.localAuthority)
      if (e.secure) lines.push(e.ratifiedBy ? `Ratified by ${e.ratifiedBy}` : 'Not ratified by an inspector')
      break
    case 'la_response':
      lines.push(laResponseLabels[e.laResponse as keyof typeof laResponseLabels] ?? '')
      break
    case 'escalation':
      lines.push(`${rankLabels[e.officerRank as keyof typeof rankLabels] ?? ''} ${e.officerName}`.trim())
      break
    case 'left_custody':
      lines.push(destinationLabels[e.destination as keyof typeof destinationLabels] ?? '')
      break
    default:
      if (e.personName) lines.push(e.personName)
      if (e.officerName) lines.push(e.officerName)
  }
  if (e.representations) lines.push(`Representations: ${e.representations}`)
  if (e.reason) lines.push(e.reason)
  if (e.note) lines.push(e.note)
  return { title: eventKindLabels[e.kind], lines: lines.filter(Boolean) }
}
