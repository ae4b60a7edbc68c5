import { allow } from '../../../platform/access/access.ts'
import type { Principal } from '../../../platform/auth/principal.ts'

/** Who may read the structure; only admins change it. */
export const readers = allow('admin', 'bcu_lead', 'force_lead')
export const admins = allow('admin')

export const organisationPath = '/admin/organisation'

export const isAdmin = (principal: Principal) => principal.roles.includes('admin')

/** A select's items: a prompt, then each value with its label, the chosen one selected. */
export function selectOptions<K extends string>(
  values: readonly K[],
  labels: Record<K, string>,
  selected: string,
  prompt: string,
) {
  return [
    { value: '', text: prompt, selected: selected === '' },
    ...values.map((value) => ({ value, text: labels[value], selected: value === selected })),
  ]
}

/** A select's items for records chosen by id: a prompt (or "None"), then each by name. */
export function recordOptions<R extends { id: string; name: string }>(
  records: readonly R[],
  selected: string | null | undefined,
  prompt: string,
  text: (record: R) => string = (record) => record.name,
) {
  return [
    { value: '', text: prompt, selected: !selected },
    ...records.map((r) => ({ value: r.id, text: text(r), selected: r.id === selected })),
  ]
}
