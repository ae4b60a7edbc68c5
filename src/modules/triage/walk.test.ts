import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDeviceRoot, DevicePathError, walkDevice } from './walk.ts'

let root: string
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kestrel-walk-'))
  await mkdir(path.join(root, 'a/b'), { recursive: true })
  await writeFile(path.join(root, 'a/b/photo.jpg'), 'x')
  await writeFile(path.join(root, 'top.txt'), 'y')
  await symlink('../..', path.join(root, 'a/b/up'))
  await symlink('self', path.join(root, 'self'))
  await symlink('ping', path.join(root, 'pong'))
  await symlink('pong', path.join(root, 'ping'))
  await symlink('gone', path.join(root, 'dangling'))
  await symlink('/etc', path.join(root, 'etc'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('walking a device', () => {
  it('lists files and reports every link without following it', async () => {
    const real = await checkDeviceRoot(root)
    const seen: string[] = []
    for await (const item of walkDevice(real)) {
      seen.push(item.type === 'file' ? `file ${item.path} ${item.size}` : `${item.problem} ${item.path}`)
    }
    expect(seen).toEqual([
      'broken-symlink dangling',
      'symlink-outside-device etc',
      'symlink-loop ping',
      'symlink-loop pong',
      'symlink-loop self',
      'file top.txt 1',
      'file a/b/photo.jpg 1',
      'symlink-loop a/b/up',
    ])
  })

  it('explains a missing device path or a file given as the device', async () => {
    await expect(checkDeviceRoot(path.join(root, 'nope'))).rejects.toThrow(DevicePathError)
    await expect(checkDeviceRoot(path.join(root, 'nope'))).rejects.toThrow(
      /does not exist \(is the device mounted\?\)/,
    )
    await expect(checkDeviceRoot(path.join(root, 'top.txt'))).rejects.toThrow(/is not a folder/)
  })
})
