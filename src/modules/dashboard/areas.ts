import { createHash } from 'node:crypto'

/**
 * What a figure is of: the force, a BCU (the boroughs it held on the structure's day), a borough (as the old
 * borough commands reported), or a team (its records wherever they lie, for measures cut by team).
 */
export interface ReportArea {
  kind: 'force' | 'bcu' | 'borough' | 'team'
  id: string | null
  name: string
  /** The boroughs whose records count; null counts the whole force. */
  boroughIds: readonly string[] | null
  teamId: string | null
  /** The key its figures are stored under. */
  key: string
}

/**
 * The key a figure is stored under: the same boroughs (in any order) share their figures, so a BCU reported
 * by today's structure and by an older one holding the same boroughs is taken once; a team's are its own.
 */
export function areaKey(boroughIds: readonly string[] | null, teamId: string | null): string {
  if (teamId) return `team:${teamId}`
  if (boroughIds === null) return 'force'
  const sorted = [...boroughIds].map((id) => id.toLowerCase()).sort()
  return `boroughs:${createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, 40)}`
}

export function forceArea(name: string): ReportArea {
  return { kind: 'force', id: null, name, boroughIds: null, teamId: null, key: areaKey(null, null) }
}

export function boroughsArea(
  kind: 'bcu' | 'borough',
  id: string,
  name: string,
  boroughIds: readonly string[],
): ReportArea {
  return { kind, id, name, boroughIds, teamId: null, key: areaKey(boroughIds, null) }
}

export function teamArea(id: string, name: string): ReportArea {
  return { kind: 'team', id, name, boroughIds: null, teamId: id, key: areaKey(null, id) }
}
