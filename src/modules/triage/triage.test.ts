import { execFileSync } from 'node:child_process'
import { appendFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { hashsetsCommand } from '../../cli/commands/hashsets.ts'
import { type CommandIo, type TriageBackend, triageCommand } from '../../cli/commands/triage.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { decodeImage } from './decode.ts'
import { hashFile } from './file-hasher.ts'
import { JOURNAL_FILE } from './journal.ts'
import { pdqHash } from './pdq.ts'
import type { TriageReport } from './report.ts'
import { runTriage } from './run.ts'
import { encodeRaw, syntheticPicture } from './synthetic-images.ts'

let work: string
let kestrel: TestKestrel

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kestrel-triage-'))
  kestrel = await testKestrel()
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
  await kestrel.close()
})

/** The commands' database: the test's Kestrel, kept open between commands. */
const backend = async (): Promise<TriageBackend> => ({
  hashSets: kestrel.services.triage.hashSets,
  triage: kestrel.services.triage,
  close: async () => {},
})

function capture(): CommandIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let o = ''
  let e = ''
  stdout.on('data', (c) => {
    o += c
  })
  stderr.on('data', (c) => {
    e += c
  })
  return { stdout, stderr, env: {}, backend, out: () => o, err: () => e }
}

const picture = (seed: number, w = 800, h = 600) => encodeRaw(syntheticPicture(seed, w, h))

async function put(file: string, content: Buffer | string) {
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, content)
}

async function pdqOf(image: Buffer) {
  return pdqHash(await decodeImage(image)).hash
}

describe('triage of a generated device', () => {
  let device: string
  let report: TriageReport

  beforeAll(async () => {
    device = path.join(work, 'device-1')
    const exactJpeg = await picture(1).jpeg({ quality: 90 }).toBuffer()
    const exactPng = await picture(2).png().toBuffer()
    const renamed = await picture(3).jpeg().toBuffer()
    const nearSource = await picture(4).png().toBuffer()
    const nearCopy = await sharp(nearSource).resize(400).jpeg({ quality: 70 }).toBuffer()
    const webSource = await picture(5).png().toBuffer()
    const webCopy = await sharp(webSource).webp({ quality: 60 }).toBuffer()
    const turnedSource = await picture(6).png().toBuffer()
    const turned = await sharp(turnedSource).rotate(90).jpeg({ quality: 90 }).toBuffer()
    const flat = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } })
      .png()
      .toBuffer()
    const truncated = (await picture(7).jpeg().toBuffer()).subarray(0, 3000)
    const ignorable = Buffer.from('a non-pertinent file listed in category 0')

    await put(path.join(device, 'DCIM/img001.jpg'), exactJpeg)
    await put(path.join(device, 'DCIM/img002.png'), exactPng)
    await put(path.join(device, 'Pictures/holiday.txt'), renamed)
    await put(path.join(device, 'Downloads/copy-small.jpg'), nearCopy)
    await put(path.join(device, 'Downloads/reencoded.webp'), webCopy)
    await put(path.join(device, 'Downloads/turned.jpg'), turned)
    await put(path.join(device, 'flat.png'), flat)
    await put(path.join(device, 'broken/truncated.jpg'), truncated)
    await put(path.join(device, 'notes/readme.txt'), 'shopping list\n')
    await put(path.join(device, 'notes/ignorable.bin'), ignorable)
    await put(
      path.join(device, 'video/clip.mp4'),
      Buffer.concat([
        Buffer.from([0, 0, 0, 0x18]),
        Buffer.from('ftypisom\0\0\x02\0isomiso2'),
        Buffer.alloc(100),
      ]),
    )
    await put(
      path.join(device, 'video/clip.avi'),
      Buffer.concat([Buffer.from('RIFF\0\0\0\0AVI LIST'), Buffer.alloc(100)]),
    )
    await symlink('..', path.join(device, 'notes/loop'))
    await symlink(work, path.join(device, 'outside'))
    await symlink('DCIM/img001.jpg', path.join(device, 'shortcut.jpg'))
    execFileSync('mkfifo', [path.join(device, 'notes/pipe')])

    const exactJpegHashes = await hashFile(path.join(device, 'DCIM/img001.jpg'), {
      pdq: false,
      dihedral: false,
    })
    const exactPngHashes = await hashFile(path.join(device, 'DCIM/img002.png'), {
      pdq: false,
      dihedral: false,
    })
    const ignorableHashes = await hashFile(path.join(device, 'notes/ignorable.bin'), {
      pdq: false,
      dihedral: false,
    })
    const vics = {
      'odata.metadata': 'http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml/$metadata#Cases',
      value: [
        {
          CaseID: 1,
          Media: [
            { MediaID: 101, Category: 1, MD5: exactJpegHashes.md5.toUpperCase() },
            { MediaID: 102, Category: 3, SHA1: exactPngHashes.sha1 },
            { MediaID: 103, Category: 0, MD5: ignorableHashes.md5, SHA1: ignorableHashes.sha1 },
            { MediaID: 104, Category: 2, MD5: 'f'.repeat(32) },
          ],
        },
      ],
    }
    await put(path.join(work, 'lists/caid.json'), `\uFEFF${JSON.stringify(vics)}`)
    const pdqList = [
      `${await pdqOf(nearSource)},100,near-source`,
      `${await pdqOf(webSource)},100`,
      `${await pdqOf(turnedSource)},100`,
    ].join('\n')
    await put(path.join(work, 'lists/pdq.csv'), `${pdqList}\n`)

    const io = capture()
    expect(
      await hashsetsCommand(
        ['import', path.join(work, 'lists/caid.json'), '--name', 'caid', '--format', 'vics'],
        io,
      ),
    ).toBe(0)
    expect(
      await hashsetsCommand(
        ['import', path.join(work, 'lists/pdq.csv'), '--name', 'pdq-b', '--format', 'pdq', '--category', 'B'],
        io,
      ),
    ).toBe(0)
    expect(io.out()).toMatch(/Imported 4 records into hash set caid/)

    const out = path.join(work, 'out-1')
    const run = capture()
    const code = await triageCommand(
      [device, '--device', 'EXH/1', '--hashes', 'caid', '--hashes', 'pdq-b', '--out', out, '--workers', '2'],
      run,
    )
    expect(run.err()).toBe('')
    expect(code).toBe(0)
    expect(run.out()).toMatch(/Device EXH\/1: Submit for full examination/)
    report = JSON.parse(await readFile(path.join(out, 'triage-report.json'), 'utf8'))
  }, 60_000)

  it('counts files, images and videos by content', () => {
    expect(report.counts).toEqual({
      files: 12,
      bytes: report.counts.bytes,
      images: 8,
      videos: 2,
      imagesHashed: 5,
      lowQualityImages: 1,
      unreadable: 1,
      problems: 4,
      exactMatches: 3,
      nearMatches: 2,
    })
  })

  it('reports exact matches with their category', () => {
    expect(
      report.exactMatches.map((m) => [
        m.path,
        m.known.map((k) => `${k.set}:${k.category}:${k.mediaId}:${k.on}`),
      ]),
    ).toEqual([
      ['DCIM/img001.jpg', ['caid:A:101:md5']],
      ['DCIM/img002.png', ['caid:C:102:sha1']],
      ['notes/ignorable.bin', ['caid:ignorable:103:md5+sha1']],
    ])
    expect(report.exactMatchesByCategory).toEqual({ A: 1, B: 0, C: 1, ungraded: 0, ignorable: 1 })
  })

  it('reports re-encoded and resized copies as near matches, and not the turned copy without --dihedral', () => {
    expect(
      report.nearMatches.map((m) => [m.path, m.orientation, m.known[0]?.set, m.known[0]?.category]),
    ).toEqual([
      ['Downloads/copy-small.jpg', 'original', 'pdq-b', 'B'],
      ['Downloads/reencoded.webp', 'original', 'pdq-b', 'B'],
    ])
    for (const m of report.nearMatches) {
      expect(m.distance).toBeLessThanOrEqual(31)
      expect(m.quality).toBeGreaterThanOrEqual(50)
    }
    expect(report.nearMatchesByCategory).toEqual({ A: 0, B: 2, C: 0, ungraded: 0, ignorable: 0 })
  })

  it('counts the truncated image unreadable with the reason, and reports links, loops and special files', () => {
    expect(report.unreadable).toEqual([
      {
        path: 'broken/truncated.jpg',
        size: 3000,
        stage: 'decode',
        reason: expect.stringMatching(/^corrupt or truncated JPEG: /),
      },
    ])
    expect(report.problems.map((p) => [p.path, p.problem])).toEqual([
      ['notes/loop', 'symlink-loop'],
      ['notes/pipe', 'special-file'],
      ['outside', 'symlink-outside-device'],
      ['shortcut.jpg', 'symlink-not-followed'],
    ])
  })

  it('recommends full examination, giving the reason', () => {
    expect(report.recommendation.decision).toBe('submit-for-full-examination')
    expect(report.recommendation.reason).toMatch(
      /^2 files identical to known material \(category A: 1, category C: 1\); 2 images visually near/,
    )
    expect(report.complete).toBe(true)
  })

  it('writes an HTML page with no image data', async () => {
    const html = await readFile(path.join(work, 'out-1', 'triage-report.html'), 'utf8')
    expect(html).toMatch(/<html lang="en-GB">/)
    expect(html).toContain('Recommendation: Submit for full examination')
    expect(html).toContain('Downloads/copy-small.jpg')
    expect(html).not.toMatch(/<img|data:image|<script/i)
    const json = await readFile(path.join(work, 'out-1', 'triage-report.json'), 'utf8')
    expect(json).not.toMatch(/data:image|base64/i)
  })

  it('finds the turned copy with --dihedral', async () => {
    const outcome = await runTriage({
      root: device,
      device: 'EXH/1',
      outDir: path.join(work, 'out-dihedral'),
      hashSets: ['pdq-b'],
      namedSets: kestrel.services.triage.hashSets,
      dihedral: true,
      workers: 0,
    })
    const turned = outcome.report.nearMatches.find((m) => m.path === 'Downloads/turned.jpg')
    expect(turned?.orientation).toMatch(/rotate(90|270)/)
    expect(turned?.distance).toBeLessThanOrEqual(31)
  })

  it('gives the same report from sets loaded from the database as from the list files', async () => {
    // The same two lists, stored under their file names, so the reports name the sets alike.
    for (const [file, format] of [
      ['caid.json', 'vics'],
      ['pdq.csv', 'pdq'],
    ] as const) {
      const io = capture()
      const args = ['import', path.join(work, 'lists', file), '--name', file, '--format', format]
      expect(await hashsetsCommand(args, io)).toBe(0)
    }
    const fromDatabase = await runTriage({
      root: device,
      device: 'EXH/1',
      outDir: path.join(work, 'out-db'),
      hashSets: ['caid.json', 'pdq.csv'],
      namedSets: kestrel.services.triage.hashSets,
      workers: 0,
    })
    const fromFiles = await runTriage({
      root: device,
      device: 'EXH/1',
      outDir: path.join(work, 'out-files'),
      hashSets: [path.join(work, 'lists/caid.json'), path.join(work, 'lists/pdq.csv')],
      workers: 0,
    })
    const comparable = (r: TriageReport) => {
      const { startedAt: _s, finishedAt: _f, settings, ...rest } = r
      const { hashSetVersions, ...otherSettings } = settings
      return { ...rest, settings: otherSettings, records: hashSetVersions?.map((h) => [h.name, h.records]) }
    }
    expect(comparable(fromDatabase.report)).toEqual(comparable(fromFiles.report))
    expect(fromDatabase.report.counts.exactMatches).toBe(3)
    expect(fromDatabase.report.settings.hashSetVersions?.map((h) => [h.name, h.from, h.version])).toEqual([
      ['caid.json', 'database', 1],
      ['pdq.csv', 'database', 1],
    ])
    expect(fromFiles.report.settings.hashSetVersions?.map((h) => h.from)).toEqual(['file', 'file'])
  }, 60_000)
})

describe('triage decisions and failures', () => {
  it('finds no known material on a clean device', async () => {
    const device = path.join(work, 'clean')
    for (let i = 0; i < 3; i++)
      await put(
        path.join(device, `p${i}.jpg`),
        await picture(20 + i, 200, 150)
          .jpeg()
          .toBuffer(),
      )
    await put(path.join(work, 'lists/other.txt'), `${'0'.repeat(32)}\n`)
    const outcome = await runTriage({
      root: device,
      device: 'EXH/2',
      outDir: path.join(work, 'out-clean'),
      hashSets: [path.join(work, 'lists/other.txt')],
      workers: 0,
    })
    expect(outcome.report.recommendation.decision).toBe('no-known-material-found')
    expect(outcome.report.recommendation.reason).toMatch(
      /^No file matched the 1 known hash in 1 hash set: 3 files \(3 images\) checked\./,
    )
  })

  it('stores its result against the device with --upload', async () => {
    const device = path.join(work, 'clean')
    const out = path.join(work, 'out-upload')
    const refuse = capture()
    const args = [device, '--device', 'EXH/UP', '--hashes', path.join(work, 'lists/other.txt'), '--upload']
    expect(await triageCommand([...args, '--out', `${out}-1`], refuse)).toBe(1)
    expect(refuse.err()).toMatch(/written but not stored in Kestrel: There is no device EXH\/UP/)
    await kestrel.services.triage.saveDevice(
      'EXH/UP',
      {
        description: 'Phone',
        deviceKind: 'phone',
        seizedAt: new Date(Date.now() - 86_400_000),
        statusHistory: [],
      },
      { id: 'test', username: 'test' },
      forceWideReach,
    )
    const io = capture()
    expect(await triageCommand([...args, '--out', `${out}-2`, '--as', 'pc.smith'], io)).toBe(0)
    expect(io.out()).toMatch(/Stored in Kestrel against device EXH\/UP/)
    const stored = await kestrel.services.triage.device('EXH/UP', forceWideReach)
    expect(stored.status).toBe('triaged')
    const [result] = await kestrel.services.triage.results(stored.id)
    expect(result).toMatchObject({
      decision: 'no-known-material-found',
      receivedVia: 'cli',
      receivedBy: 'pc.smith',
    })
  })

  it('gives a clear error for a device path that does not exist', async () => {
    const io = capture()
    const code = await triageCommand(
      [path.join(work, 'no-such-device'), '--device', 'EXH/3', '--out', path.join(work, 'o3')],
      io,
    )
    expect(code).toBe(1)
    expect(io.err()).toMatch(/device path .*no-such-device does not exist \(is the device mounted\?\)/)
  })

  it('refuses to write its output onto the device', async () => {
    const device = path.join(work, 'clean')
    const io = capture()
    expect(await triageCommand([device, '--device', 'EXH/2', '--out', path.join(device, 'out')], io)).toBe(1)
    expect(io.err()).toMatch(/must not be inside the device/)
  })

  it('rejects a malformed hash list naming the line, and stores nothing', async () => {
    await put(path.join(work, 'lists/bad.txt'), `${'a'.repeat(32)}\n${'b'.repeat(40)}\nnot a hash\n`)
    const io = capture()
    const code = await hashsetsCommand(
      ['import', path.join(work, 'lists/bad.txt'), '--name', 'bad', '--format', 'plain'],
      io,
    )
    expect(code).toBe(1)
    expect(io.err()).toMatch(/line 3: "not a hash" is not an MD5/)
    const list = capture()
    expect(await hashsetsCommand(['list'], list)).toBe(0)
    expect(list.out()).not.toMatch(/^bad\t/m)
    expect(await kestrel.services.triage.hashSets.describe('bad')).toBeUndefined()
  })

  it('lists and exports stored sets from the command line', async () => {
    await put(path.join(work, 'lists/cli.txt'), `${'c'.repeat(32)}\n${'d'.repeat(64)}\n`)
    const io = capture()
    expect(
      await hashsetsCommand(
        ['import', path.join(work, 'lists/cli.txt'), '--name', 'cli', '--format', 'plain'],
        io,
      ),
    ).toBe(0)
    const list = capture()
    expect(await hashsetsCommand(['list'], list)).toBe(0)
    expect(list.out()).toMatch(
      /^cli\tplain\t2 records \(MD5 1, SHA-1 0, PDQ 1\)\tfrom cli\.txt\timported \S+ by \S+\tversion 1$/m,
    )
    const exported = capture()
    expect(await hashsetsCommand(['export', 'cli', '--format', 'pdq'], exported)).toBe(0)
    expect(exported.out()).toBe(`${'d'.repeat(64)}\n`)
    const file = path.join(work, 'cli-export.txt')
    expect(await hashsetsCommand(['export', 'cli', '--format', 'plain', '--out', file], exported)).toBe(0)
    expect(await readFile(file, 'utf8')).toBe(`${'c'.repeat(32)}\n${'d'.repeat(64)}\n`)
    const missing = capture()
    expect(await hashsetsCommand(['export', 'nope', '--format', 'vics'], missing)).toBe(1)
    expect(missing.err()).toMatch(/no hash set named "nope"/)
    expect(missing.out()).toBe('')
  })

  it('explains usage errors', async () => {
    const io = capture()
    expect(await triageCommand(['somewhere'], io)).toBe(2)
    expect(io.err()).toMatch(/--device REF is required/)
    const help = capture()
    expect(await triageCommand(['--help'], help)).toBe(0)
    expect(help.out()).toMatch(/Usage: kestrel triage PATH --device REF/)
    expect(await hashsetsCommand(['frobnicate'], io)).toBe(2)
  })
})

describe('interrupt and resume', () => {
  it('stops cleanly when interrupted, then finishes without reading done files again', async () => {
    const device = path.join(work, 'many')
    for (let i = 0; i < 30; i++)
      await put(
        path.join(device, `f${String(i).padStart(2, '0')}.png`),
        await picture(100 + i, 160, 120)
          .png()
          .toBuffer(),
      )
    const out = path.join(work, 'out-many')
    const controller = new AbortController()
    let seen = 0
    const first = await runTriage({
      root: device,
      device: 'EXH/4',
      outDir: out,
      hashSets: [],
      workers: 2,
      signal: controller.signal,
      onProgress: (p) => {
        seen = p.filesDone
        if (p.filesDone >= 10) controller.abort()
      },
    })
    expect(seen).toBeGreaterThanOrEqual(10)
    expect(first.report.complete).toBe(false)
    expect(first.report.recommendation.decision).toBe('could-not-complete')
    const done = first.report.counts.files
    expect(done).toBeGreaterThanOrEqual(10)
    expect(done).toBeLessThan(30)

    // A crash mid-write leaves half a line: it is ignored and that file hashed again.
    await appendFile(path.join(out, JOURNAL_FILE), '{"path":"f29.png","si')

    const io = capture()
    expect(await triageCommand([device, '--device', 'EXH/4', '--out', out], io)).toBe(1)
    expect(io.err()).toMatch(/already holds a triage journal; add --resume/)

    const second = await runTriage({
      root: device,
      device: 'EXH/4',
      outDir: out,
      hashSets: [],
      resume: true,
      workers: 0,
    })
    expect(second.resumedFiles).toBe(done)
    expect(second.report.complete).toBe(true)
    expect(second.report.counts.files).toBe(30)
    expect(second.report.counts.images).toBe(30)
    expect(second.report.startedAt).toBe(first.report.startedAt)
    expect(second.report.recommendation).toEqual({
      decision: 'could-not-complete',
      reason:
        'No hash set with any known hashes was given, so the 30 files could not be checked. Run it again with --hashes.',
    })
  }, 60_000)

  it('returns exit status 130 when the command is interrupted', async () => {
    const device = path.join(work, 'many')
    const controller = new AbortController()
    controller.abort()
    const io = { ...capture(), signal: controller.signal }
    const code = await triageCommand([device, '--device', 'EXH/5', '--out', path.join(work, 'out-5')], io)
    expect(code).toBe(130)
    expect(io.out()).toMatch(/Could not complete/)
  })
})
