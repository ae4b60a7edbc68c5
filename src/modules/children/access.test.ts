import { describe, expect, it } from 'vitest'
import type { Role } from '../../platform/access/roles.ts'
import { type Editor, mayEdit } from './access.ts'

const inArea = (roles: Role[], boroughIds: string[]): Editor => ({
  id: 'u1',
  kind: 'user',
  roles,
  staffId: null,
  area: { forceWide: false, bcuId: null, boroughId: null, boroughIds, teamIds: [] },
})
const forceWide = (roles: Role[]): Editor => ({
  id: 'u2',
  kind: 'user',
  roles,
  staffId: null,
  area: { forceWide: true },
})

describe('mayEdit: who may change a person in the index', () => {
  const camden = { boroughId: 'camden' }
  const nowhere = { boroughId: null }

  it('lets a writer change a person held in a borough of their area, and refuses another area', () => {
    expect(mayEdit(inArea(['officer'], ['camden', 'islington']), camden)).toBe(true)
    expect(mayEdit(inArea(['officer'], ['barking']), camden)).toBe(false)
    // No area at all (an API token, an account with no staff record): held people are not theirs.
    expect(mayEdit(inArea(['officer'], []), camden)).toBe(false)
  })

  it('lets the MASH and admins change anyone', () => {
    expect(mayEdit(inArea(['mash'], []), camden)).toBe(true)
    expect(mayEdit(forceWide(['admin']), camden)).toBe(true)
  })

  it('lets any writer change a person held nowhere', () => {
    expect(mayEdit(inArea(['custody'], []), nowhere)).toBe(true)
  })

  it('refuses roles that only read, wherever the person is and however wide their area', () => {
    for (const roles of [['dit_auditor'], ['force_lead']] as Role[][]) {
      expect(mayEdit(forceWide(roles), camden)).toBe(false)
      expect(mayEdit(forceWide(roles), nowhere)).toBe(false)
    }
    expect(mayEdit(inArea(['bcu_lead'], ['camden']), camden)).toBe(false)
    expect(mayEdit(inArea(['partner'], ['camden']), nowhere)).toBe(false)
  })
})
