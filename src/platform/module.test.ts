import { describe, expect, it } from 'vitest'
import type { ImportKind } from './import/kinds.ts'
import { type AnyModule, checkModuleOrder, importOrder, migrationsOf } from './module.ts'

const kind = (name: string, refersTo: string[] = []): ImportKind =>
  ({ kind: name, refersTo }) as unknown as ImportKind
const names = (kinds: ImportKind[]) => kinds.map((k) => k.kind)

describe('importOrder', () => {
  it('puts each kind after every kind it refers to, keeping list order otherwise', () => {
    const order = importOrder([
      kind('pac', ['person', 'staff']),
      kind('person'),
      kind('staff', ['team']),
      kind('team'),
    ])
    expect(names(order)).toEqual(['person', 'team', 'staff', 'pac'])
  })

  it('keeps the list as it is when nothing refers forward, and ignores a kind referring to itself', () => {
    expect(names(importOrder([kind('a'), kind('b', ['a', 'b']), kind('c')]))).toEqual(['a', 'b', 'c'])
  })

  it('refuses a kind that refers to a kind no module declares, naming both', () => {
    expect(() => importOrder([kind('device', ['owner'])])).toThrow('Import kind "device" refers to "owner"')
  })

  it('refuses kinds that refer to each other in a circle', () => {
    expect(() => importOrder([kind('a', ['b']), kind('b', ['a'])])).toThrow('in a circle: a → b → a')
  })
})

describe('checkModuleOrder', () => {
  const module = (name: string, needs: string[] = []) => ({ name, needs }) as AnyModule
  it('accepts a module listed after what it needs', () => {
    expect(() =>
      checkModuleOrder([module('organisation'), module('custody', ['organisation'])]),
    ).not.toThrow()
  })
  it('refuses a module listed before what it needs, or listed twice', () => {
    expect(() => checkModuleOrder([module('custody', ['organisation']), module('organisation')])).toThrow(
      'Module custody needs organisation, which must be listed before it',
    )
    expect(() => checkModuleOrder([module('a'), module('a')])).toThrow('Module a is listed twice')
  })
})

describe('migrationsOf', () => {
  const migration = (name: string) => ({ name, up: async () => {} })
  it('runs every module’s migrations with the platform’s in name order', () => {
    const modules = [
      { name: 'b', migrations: [migration('0004-b')] },
      { name: 'a', migrations: [migration('0002-a')] },
    ]
    expect(
      migrationsOf(modules as AnyModule[], [migration('0001-p'), migration('0003-p')]).map((m) => m.name),
    ).toEqual(['0001-p', '0002-a', '0003-p', '0004-b'])
  })
  it('refuses two migrations with one name', () => {
    expect(() =>
      migrationsOf([{ name: 'a', migrations: [migration('0002-x')] }] as AnyModule[], [migration('0002-x')]),
    ).toThrow('Two migrations are named 0002-x')
  })
})
