import type { Access } from './access/access.ts'
import type { Principal } from './auth/principal.ts'

/**
 * A module's panel on Home, each role's start page: how much of its work waits and the few most urgent
 * items, each a link, with a link to the full list. A module declares its panels in its manifest
 * (`startPanels`); Home shows those the viewer's roles are for, so Home imports no module and a new
 * module's queue reaches its users' start page without Home's code changing.
 */
export interface StartPanel {
  /** Unique across modules: the section's id on the page. */
  id: string
  title: string
  /** The roles the panel is for: a start page, not everything a role may read. */
  access: Access
  /** Orders the panels on the page, lower first. */
  position: number
  /**
   * Reads through the module's own service within the viewer's need to know, and logs the read in the
   * access log as the module's lists do (`reader.query` names the request and the panel).
   */
  read(reader: StartPanelReader): Promise<StartPanelView>
}

/** Who is reading a start page, and how the access log names the request. */
export interface StartPanelReader {
  principal: Principal
  /** 'GET / (start page: mash-queue)' */
  query: string
  requestId: string
}

/** A due time as countdown() in the time kernel words it. */
export interface StartPanelDue {
  text: string
  overdue: boolean
  soon: boolean
}

export interface StartPanelView {
  /** The counts, first the panel's headline ("3 waiting"); each may link to its list. */
  counts: { value: number; label: string; href?: string }[]
  /** The most urgent few, most urgent first. */
  items: { text: string; href: string; hint?: string; due?: StartPanelDue | null }[]
  /** The full list. */
  more: { text: string; href: string }
  /** What to say when nothing waits. */
  empty: string
}

/** How many items a panel shows: the most urgent few; the rest are a click away. */
export const startPanelItems = 5
