/**
 * The Metropolitan Police Service's local structure: 32 London boroughs forming 12 basic command units
 * (public fact, transcribed from reference/london-bcus.csv so Kestrel runs without the shared folder).
 *
 * Before the Strengthening Local Policing programme each borough was its own borough command (BOCU).
 * Two "pathfinder" BCUs, Central North and East Area, were tested from January 2017 (MOPAC decision
 * PCD 323; Met press release of 18 November 2016). The other ten followed in the roll-out announced in
 * February 2018 and finished early in 2019; individual go-live dates are not published in one place, so
 * they share one configurable date.
 */
export interface LondonBcu {
  code: string
  name: string
  boroughs: string[]
  /** Pathfinder BCUs merged earlier than the rest. */
  pathfinder?: boolean
}

export const londonForce = { code: 'MPS', name: 'Metropolitan Police Service' } as const

/** The first of the month the pathfinders started: the day is not published. */
export const pathfinderMergedOn = '2017-01-01'
/** When the other boroughs are taken to have joined their BCU. */
export const defaultMergedOn = '2019-02-01'

export const londonBcus: LondonBcu[] = [
  {
    code: 'CW',
    name: 'Central West',
    boroughs: ['Westminster', 'Kensington and Chelsea', 'Hammersmith and Fulham'],
  },
  { code: 'CN', name: 'Central North', boroughs: ['Camden', 'Islington'], pathfinder: true },
  { code: 'CS', name: 'Central South', boroughs: ['Lambeth', 'Southwark'] },
  { code: 'CE', name: 'Central East', boroughs: ['Hackney', 'Tower Hamlets'] },
  {
    code: 'EA',
    name: 'East Area',
    boroughs: ['Barking and Dagenham', 'Havering', 'Redbridge'],
    pathfinder: true,
  },
  { code: 'NA', name: 'North Area', boroughs: ['Enfield', 'Haringey'] },
  { code: 'NE', name: 'North East', boroughs: ['Newham', 'Waltham Forest'] },
  { code: 'NW', name: 'North West', boroughs: ['Barnet', 'Brent', 'Harrow'] },
  { code: 'SN', name: 'South Area', boroughs: ['Bromley', 'Croydon', 'Sutton'] },
  { code: 'SE', name: 'South East', boroughs: ['Bexley', 'Greenwich', 'Lewisham'] },
  {
    code: 'SW',
    name: 'South West',
    boroughs: ['Kingston upon Thames', 'Merton', 'Richmond upon Thames', 'Wandsworth'],
  },
  { code: 'WA', name: 'West Area', boroughs: ['Ealing', 'Hillingdon', 'Hounslow'] },
]
