/** The roles of DESIGN.md. A user holds one or more; every route names the roles that may use it. */
export const roles = [
  'officer',
  'supervisor',
  'mash',
  'missing_persons_unit',
  'custody',
  'offender_manager',
  'online_csae',
  'dit_auditor',
  'bcu_lead',
  'force_lead',
  'partner',
  'admin',
] as const

export type Role = (typeof roles)[number]

export const roleLabels: Record<Role, string> = {
  officer: 'Officer or investigator',
  supervisor: 'Supervisor',
  mash: 'MASH and public protection desk',
  missing_persons_unit: 'Missing persons unit',
  custody: 'Custody',
  offender_manager: 'Offender manager (Jigsaw)',
  online_csae: 'Online child sexual abuse and exploitation team',
  dit_auditor: 'Dedicated inspection team auditor',
  bcu_lead: 'BCU safeguarding lead',
  force_lead: 'Force lead',
  partner: 'Partner agency (read only)',
  admin: 'System administrator',
}

/** Roles whose work spans the force; everyone else sees their own BCU's records. */
export const forceWideRoles: ReadonlySet<Role> = new Set(['dit_auditor', 'force_lead', 'admin'])

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value)
}

/** Everyone inside the force: all roles but the partner agencies. */
export const staffRoles: Role[] = roles.filter((r) => r !== 'partner')

/** The roles that do the force's casework (record people, raise concerns); leads, auditors and partners read. */
export const operationalRoles: Role[] = [
  'officer',
  'supervisor',
  'mash',
  'missing_persons_unit',
  'custody',
  'offender_manager',
  'online_csae',
]
