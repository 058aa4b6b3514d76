import type { XmppSession } from "../xmpp/session.js";
import { toApiError } from "../errors/map-error.js";
import { ApiError } from "../errors/api-error.js";
import { serverComponents } from "../xmpp/disco.js";
import { buildBlockChange, buildBlocklistGet, parseBlocklist } from "./blocking.stanzas.js";
import { bareOf, domainOfJid, hasLocal } from "../xmpp/jid.js";

/** One entry of MongooseIM's MUC Light blocking list. */
export interface BlockingItem {
  entityType: "USER" | "ROOM";
  action: "ALLOW" | "DENY";
  entity: string;
}

/** Domains of the server's group-chat services (XEP-0030 identity conference/text). */
async function roomDomains(session: XmppSession): Promise<Set<string>> {
  const components = await serverComponents(session).catch(() => []);
  return new Set(components.filter((c) => c.info.identities.some((i) => i.category === "conference")).map((c) => c.jid));
}

/**
 * The caller's blocking list, from XEP-0191: every blocked JID is a DENY item, a ROOM
 * when it lives on one of the server's group-chat services, else a USER.
 */
export async function getBlockingList(session: XmppSession): Promise<BlockingItem[]> {
  try {
    const [blocked, rooms] = await Promise.all([session.iq(buildBlocklistGet()).then(parseBlocklist), roomDomains(session)]);
    return blocked.map((entity) => ({
      entityType: hasLocal(entity) && rooms.has(domainOfJid(entity)) ? "ROOM" : "USER",
      action: "DENY",
      entity,
    }));
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
}

/** Applies the items: DENY blocks the entity (XEP-0191 block), ALLOW unblocks it. */
export async function setBlockingList(session: XmppSession, items: readonly BlockingItem[]): Promise<string> {
  const deny = items.filter((i) => i.action === "DENY").map((i) => bareOf(i.entity));
  const allow = items.filter((i) => i.action === "ALLOW").map((i) => bareOf(i.entity));
  try {
    if (deny.length > 0) await session.iq(buildBlockChange("block", deny));
    if (allow.length > 0) await session.iq(buildBlockChange("unblock", allow));
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
  return "User blocking list updated successfully";
}

/**
 * The caller's XEP-0191 block list as given: users, full JIDs and whole domains.
 * @throws ApiError `deps_not_loaded` when the server has no XEP-0191.
 */
export async function listBlocked(session: XmppSession): Promise<string[]> {
  try {
    return parseBlocklist(await session.iq(buildBlocklistGet()), "full");
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
}

/**
 * Blocks (`block`) or unblocks (`unblock`) JIDs — unblock with `null` (never an empty list) lifts every block
 * (XEP-0191 §3.4, an empty `<unblock/>`) — and returns the whole list afterwards.
 * @throws ApiError `deps_not_loaded` when the server has no XEP-0191, `invalid_input` for a
 *         block of nothing.
 */
export async function changeBlocked(session: XmppSession, kind: "block" | "unblock", jids: readonly string[] | null): Promise<string[]> {
  // XEP-0191: a block without items is a bad request (§3.3), and an unblock without items
  // lifts every block (§3.4) — which only `null` may ask for, never an empty list.
  if (jids !== null && jids.length === 0) throw new ApiError("invalid_input", `Name at least one JID to ${kind}${kind === "unblock" ? " (null unblocks all)" : ""}`, { field: "jids" });
  try {
    await session.iq(buildBlockChange(kind, jids ?? []));
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
  return listBlocked(session);
}
