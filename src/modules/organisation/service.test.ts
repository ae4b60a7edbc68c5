import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/database.ts'
import { fixedClock } from '../../platform/clock.ts'
import type { DatabaseHandle } from '../../platform/db/database.ts'
import { ConflictError, ValidationError } from '../../platform/http/errors.ts'
import { londonBcus } from './london.ts'
import { londonCsvPath, londonStructure, seedLondon } from './london-seed.ts'
import { type OrganisationService, organisationService } from './service.ts'

describe('organisation service', () => {
  let handle: DatabaseHandle
  let organisation: OrganisationService
  let forceId: string
  const clock = fixedClock('2024-05-01T10:00:00Z')
  const admin = 'user-admin'
  const boroughId = async (name: string) => {
    const b = (await organisation.boroughs(forceId)).find((x) => x.name === name)
    if (!b) throw new Error(name)
    return b.id
  }
  const bcuId = async (code: string) => {
    const b = (await organisation.bcus(forceId)).find((x) => x.code === code)
    if (!b) throw new Error(code)
    return b.id
  }
  const historyOf = (table: string, id: string) =>
    handle.db
      .selectFrom('change_history')
      .selectAll()
      .where('record_table', '=', table)
      .where('record_id', '=', id)
      .orderBy('id')
      .execute()

  beforeAll(async () => {
    handle = await testDatabase()
    organisation = organisationService(handle.db, clock)
    await seedLondon(handle.db)
    forceId = (await organisation.force()).id
  })
  afterAll(() => handle.close())

  describe('seeding London', () => {
    it('gives 32 boroughs and 12 BCUs, every borough in exactly one BCU on 2020-01-01', async () => {
      expect(await organisation.boroughs(forceId)).toHaveLength(32)
      expect(await organisation.bcus(forceId)).toHaveLength(12)
      const areas = await organisation.areasAt(forceId, '2020-01-01')
      expect(areas.boroughCommands).toEqual([])
      const names = areas.bcus.flatMap((b) => b.boroughs.map((x) => x.name))
      expect(names).toHaveLength(32)
      expect(new Set(names).size).toBe(32)
      for (const bcu of areas.bcus) expect(bcu.boroughs.length).toBeGreaterThanOrEqual(2)
    })

    it('is idempotent', async () => {
      expect(await seedLondon(handle.db)).toEqual({ created: false })
      expect(await organisation.boroughs(forceId)).toHaveLength(32)
      const memberships = await handle.db.selectFrom('borough_bcu').select('id').execute()
      expect(memberships).toHaveLength(32)
    })

    it('has the pathfinders from January 2017 and the other boroughs as borough commands before February 2019', async () => {
      const areas = await organisation.areasAt(forceId, '2018-06-01')
      const inBcus = areas.bcus.filter((b) => b.boroughs.length).map((b) => b.code)
      expect(inBcus.sort()).toEqual(['CN', 'EA'])
      expect(areas.boroughCommands).toHaveLength(27)
      expect((await organisation.areasAt(forceId, '2016-12-31')).boroughCommands).toHaveLength(32)
    })

    it('keeps the built-in structure the same as the reference file', () => {
      if (!fs.existsSync(londonCsvPath)) return
      const fromCsv = londonStructure()
      expect(fromCsv.map((b) => [b.code, b.name, [...b.boroughs].sort()])).toEqual(
        londonBcus.map((b) => [b.code, b.name, [...b.boroughs].sort()]),
      )
    })
  })

  describe('reorganisation', () => {
    it('puts a moved borough in the old BCU the day before and the new one on the day', async () => {
      const croydon = await boroughId('Croydon')
      await organisation.reorganise(
        { boroughId: croydon, toBcuId: await bcuId('SE'), effectiveFrom: '2023-04-01' },
        admin,
      )
      expect((await organisation.bcuForBorough(croydon, '2023-03-31'))?.code).toBe('SN')
      expect((await organisation.bcuForBorough(croydon, '2023-04-01'))?.code).toBe('SE')
      // An instant is read as its London day: 23:30 UTC on 31 March 2023 is 00:30 on 1 April in London.
      expect((await organisation.bcuForBorough(croydon, new Date('2023-03-31T23:30:00Z')))?.code).toBe('SE')
      const areas = await organisation.areasAt(forceId, '2023-04-01')
      expect(areas.bcus.find((b) => b.code === 'SE')?.boroughs.map((b) => b.name)).toContain('Croydon')
      expect(areas.bcus.find((b) => b.code === 'SN')?.boroughs.map((b) => b.name)).not.toContain('Croydon')
      const history = await handle.db
        .selectFrom('change_history')
        .select(['action'])
        .where('record_table', '=', 'borough_bcu')
        .execute()
      expect(history.map((h) => h.action).sort()).toEqual(['create', 'update'])
    })

    it('refuses to backdate before an existing period start, to an unknown BCU, or into the same BCU', async () => {
      const croydon = await boroughId('Croydon')
      const se = await bcuId('SE')
      const attempt = (toBcuId: string, effectiveFrom: string) =>
        organisation.reorganise({ boroughId: croydon, toBcuId, effectiveFrom }, admin).catch((e) => e)
      const backdated = await attempt(await bcuId('SN'), '2023-04-01')
      expect(backdated).toBeInstanceOf(ValidationError)
      expect(backdated.errors[0].field).toBe('effectiveFrom')
      expect((await attempt('00000000-0000-0000-0000-000000000000', '2024-01-01')).errors[0].field).toBe(
        'toBcuId',
      )
      expect((await attempt(se, '2024-01-01')).errors[0].field).toBe('toBcuId')
      expect((await attempt(se, '2024-02-30')).errors[0].field).toBe('effectiveFrom')
      expect(await organisation.membershipsOf(croydon)).toHaveLength(2)
    })

    it('the database itself refuses overlapping memberships', async () => {
      const croydon = await boroughId('Croydon')
      await expect(
        handle.db
          .insertInto('borough_bcu')
          .values({
            borough_id: croydon,
            bcu_id: await bcuId('CW'),
            effective_from: '2020-01-01',
            effective_to: '2020-02-01',
          })
          .execute(),
      ).rejects.toThrow(/two BCUs at once/)
    })
  })

  describe('teams, staff and training', () => {
    it('creates and updates a team with history, and refuses a stale version', async () => {
      const camden = await boroughId('Camden')
      const team = await organisation.createTeam(
        forceId,
        {
          name: 'Camden MASH',
          kind: 'mash',
          boroughId: camden,
          bcuId: null,
          capacity: 10,
          reviewCadenceDays: 28,
          active: true,
        },
        admin,
      )
      expect(team.version).toBe(1)
      const updated = await organisation.updateTeam(team.id, 1, { ...team, capacity: 12 }, admin)
      expect(updated).toMatchObject({ version: 2, capacity: 12 })
      const history = await historyOf('team', team.id)
      expect(history.map((h) => [h.version, h.action])).toEqual([
        [1, 'create'],
        [2, 'update'],
      ])
      expect(history[1]?.changes).toEqual({ capacity: [10, 12] })
      expect(history[1]?.changed_by).toBe(admin)
      await expect(
        organisation.updateTeam(team.id, 1, { ...team, capacity: 14 }, admin),
      ).rejects.toBeInstanceOf(ConflictError)
      expect((await organisation.team(team.id))?.capacity).toBe(12)
      expect(await historyOf('team', team.id)).toHaveLength(2)
    })

    it('refuses a bad team naming the fields and writes nothing', async () => {
      const error = await organisation
        .createTeam(
          forceId,
          {
            name: 'Camden MASH',
            kind: 'mash',
            boroughId: 'nope',
            bcuId: null,
            capacity: null,
            reviewCadenceDays: null,
            active: true,
          },
          admin,
        )
        .catch((e) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect(error.errors.map((e: { field: string }) => e.field).sort()).toEqual(['boroughId', 'name'])
      expect(await organisation.teams(forceId)).toHaveLength(1)
    })

    it('creates and updates staff and training with history, refusing stale versions and duplicate numbers', async () => {
      const team = (await organisation.teams(forceId))[0]
      if (!team) throw new Error('no team')
      const staff = await organisation.createStaff(
        forceId,
        {
          staffNumber: 'AB123',
          name: 'Sam Okoro',
          rank: 'sergeant',
          role: 'Detective sergeant',
          teamId: team.id,
          startDate: '2021-09-01',
          active: true,
        },
        admin,
      )
      const moved = await organisation.updateStaff(staff.id, 1, { ...staff, rank: 'inspector' }, admin)
      expect(moved.version).toBe(2)
      await expect(
        organisation.updateStaff(staff.id, 1, { ...staff, name: 'X' }, admin),
      ).rejects.toBeInstanceOf(ConflictError)
      const duplicate = await organisation
        .createStaff(forceId, { ...staff, name: 'Someone else' }, admin)
        .catch((e) => e)
      expect(duplicate.errors[0].field).toBe('staffNumber')
      expect((await historyOf('staff', staff.id)).map((h) => h.changes)).toMatchObject([
        { staff_number: [null, 'AB123'] },
        { rank: ['sergeant', 'inspector'] },
      ])

      const record = await organisation.addTraining(
        staff.id,
        { course: 'abe_interviewing', completedOn: '2022-03-04' },
        admin,
      )
      const changed = await organisation.updateTraining(
        record.id,
        1,
        { course: 'abe_interviewing', completedOn: '2022-03-05' },
        admin,
      )
      expect(changed.version).toBe(2)
      await expect(
        organisation.updateTraining(
          record.id,
          1,
          { course: 'abe_interviewing', completedOn: '2022-03-06' },
          admin,
        ),
      ).rejects.toBeInstanceOf(ConflictError)
      expect((await historyOf('training_record', record.id)).map((h) => h.action)).toEqual([
        'create',
        'update',
      ])
      await expect(
        organisation.addTraining(staff.id, { course: 'abe_interviewing', completedOn: '2030-01-01' }, admin),
      ).rejects.toBeInstanceOf(ValidationError)

      expect(await organisation.hasCourse(staff.id, 'abe_interviewing')).toBe(true)
      expect(await organisation.hasCourse(staff.id, 'abe_interviewing', '2022-03-04')).toBe(false)
      expect(await organisation.hasCourse(staff.id, 'iioc_investigation')).toBe(false)
      const withTraining = await organisation.staffWithTraining(team.id)
      expect(withTraining).toHaveLength(1)
      expect(withTraining[0]?.training).toEqual([{ course: 'abe_interviewing', completedOn: '2022-03-05' }])
    })
  })

  describe('area resolver', () => {
    it('gives force-wide roles the force and others their team area at the current date', async () => {
      expect(await organisation.resolveArea(null, ['force_lead'])).toEqual({ forceWide: true, teamIds: [] })
      expect(await organisation.resolveArea(null, ['officer'])).toEqual({
        forceWide: false,
        bcuId: null,
        boroughId: null,
        boroughIds: [],
        teamIds: [],
      })
      const croydon = await boroughId('Croydon')
      const team = await organisation.createTeam(
        forceId,
        {
          name: 'Croydon CAIT',
          kind: 'cait',
          boroughId: croydon,
          bcuId: null,
          capacity: null,
          reviewCadenceDays: null,
          active: true,
        },
        admin,
      )
      const staff = await organisation.createStaff(
        forceId,
        {
          staffNumber: 'CR1',
          name: 'Jo Bell',
          rank: 'constable',
          role: '',
          teamId: team.id,
          startDate: '2020-01-01',
          active: true,
        },
        admin,
      )
      // Croydon moved to South East on 2023-04-01 (above); the clock says 2024.
      // The area covers every borough in South East today, Croydon among them.
      // A force-wide role in a team sees the force and holds its team's work.
      expect(await organisation.resolveArea(staff.id, ['dit_auditor'])).toEqual({
        forceWide: true,
        teamIds: [team.id],
      })
      const southEast = await organisation.resolveArea(staff.id, ['officer'])
      expect(southEast).toMatchObject({ forceWide: false, bcuId: await bcuId('SE'), boroughId: croydon })
      const southEastBoroughs = (await organisation.areasAt(forceId, '2024-05-01')).bcus.find(
        (b) => b.code === 'SE',
      )
      expect(southEast.forceWide ? [] : [...southEast.boroughIds].sort()).toEqual(
        southEastBoroughs?.boroughs.map((b) => b.id).sort(),
      )
      expect(southEast.forceWide ? [] : southEast.boroughIds).toContain(croydon)
      const bcuTeam = await organisation.createTeam(
        forceId,
        {
          name: 'North West Jigsaw',
          kind: 'jigsaw',
          boroughId: null,
          bcuId: await bcuId('NW'),
          capacity: null,
          reviewCadenceDays: null,
          active: true,
        },
        admin,
      )
      await organisation.updateStaff(staff.id, 1, { ...staff, teamId: bcuTeam.id }, admin)
      expect(await organisation.resolveArea(staff.id, ['supervisor'])).toMatchObject({
        forceWide: false,
        bcuId: await bcuId('NW'),
        boroughId: null,
      })
      expect(await organisation.resolveArea(staff.id, ['supervisor', 'dit_auditor'])).toEqual({
        forceWide: true,
        teamIds: [bcuTeam.id],
      })
    })
  })
})
