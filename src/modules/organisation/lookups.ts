// The executor-taking place reads moved with the service's use cases; other modules import them from here.
export { areaOf, placesByName, type TeamOnDay, teamKinds, teamsOnDays } from './service/places.ts'
