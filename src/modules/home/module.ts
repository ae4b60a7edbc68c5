import { signedIn } from '../../platform/access/access.ts'
import { defineModule } from '../../platform/module.ts'
import { homeRoutes } from './routes.ts'

/** The page everyone lands on after signing in. */
export const homeModule = defineModule({
  name: 'home',
  menu: [{ text: 'Home', href: '/', access: signedIn, position: 10 }],
  routes: homeRoutes,
})
