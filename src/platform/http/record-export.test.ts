import { describe, expect, it } from 'vitest'
import { HttpError } from './errors.ts'
import { checkXlsxRows, exportHrefs, sheetRowLimit, xlsxRowCap } from './record-export.ts'

describe('the XLSX row cap', () => {
  it('takes a list of up to the cap and refuses one row more, naming the limit and the CSV', () => {
    expect(() => checkXlsxRows(0, 3)).not.toThrow()
    expect(() => checkXlsxRows(3, 3)).not.toThrow()
    const refused = (() => {
      try {
        checkXlsxRows(4, 3)
      } catch (error) {
        return error
      }
    })()
    expect(refused).toBeInstanceOf(HttpError)
    expect(refused).toMatchObject({ statusCode: 400 })
    expect((refused as Error).message).toBe(
      'This list has more than 3 rows, too many for a spreadsheet download: download it as CSV, or filter it first',
    )
  })

  it('keeps the cap and its header within a worksheet, and says it beside the links', () => {
    expect(xlsxRowCap + 1).toBeLessThanOrEqual(sheetRowLimit)
    expect(() => checkXlsxRows(xlsxRowCap)).not.toThrow()
    expect(() => checkXlsxRows(xlsxRowCap + 1)).toThrow('more than 100,000 rows')
    expect(exportHrefs('/pacs', { stage: 'mash', page: '2', borough: '' })).toEqual({
      csvHref: '/pacs.csv?stage=mash',
      xlsxHref: '/pacs.xlsx?stage=mash',
      xlsxRowCap,
    })
  })
})
