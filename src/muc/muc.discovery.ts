import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { MUC_MESSAGES, mucServerNotFound, MUC_CONTEXT } from "./muc.errors.js";
import { isMucEntity, parseRoomInfo, type RoomInfo } from "./muc.stanzas.js";
import { buildDiscoItemsGet, discoInfo, parseDiscoItems, type DiscoInfo, type DiscoItem } from "../xmpp/disco.js";
import { mapLimit } from "../util/map-limit.js";
import { hasLocal, localOf, resourceOf } from "../xmpp/jid.js";
import { ROOM_INFO_CONCURRENCY, compare, type RoomDesc, type RoomsPage } from "./muc.model.js";

/*
 * Finding MUC services and rooms (XEP-0045 §6): the service's room directory, whether
 * a domain is a MUC service, whether a room exists.
 */

/**
 * One page of the rooms a MUC service lists (XEP-0045 §6.3). The page is asked for with
 * RSM (XEP-0059); a service that does not page (Prosody) returns every room, and the
 * gateway then sorts them by JID and cuts the page itself, reporting `first`/`last` as
 * room names like MongooseIM. Each room's title, visibility and occupant count come
 * from its disco#info, {@link ROOM_INFO_CONCURRENCY} at a time.
 * @throws ApiError `muc_server_not_found` when `mucDomain` is not a MUC service.
 */
export async function listRooms(session: XmppSession, mucDomain: string, limit?: number | null, index?: number | null): Promise<RoomsPage> {
  const context = { mucDomain };
  if (!(await isMucService(session, mucDomain, context))) throw mucServerNotFound(mucDomain);
  const reply: Element = await orApiError(session.iq(buildDiscoItemsGet(mucDomain, { max: limit, index })), {}, context);
  let { items, rsm } = parseDiscoItems(reply);
  if (rsm && (index ?? 0) !== 0 && rsm.firstIndex !== index) {
    // ejabberd (23.01) pages by `after`/`before` only and answers the first page for an
    // `<index/>`: take the whole list instead and cut the page below, as for Prosody.
    try {
      ({ items } = parseDiscoItems(await session.iq(buildDiscoItemsGet(mucDomain))));
    } catch (error) {
      throw toApiError(error, {}, context);
    }
    rsm = null;
  }
  const rooms = items.filter((i) => hasLocal(i.jid) && resourceOf(i.jid) === undefined);
  let page: DiscoItem[];
  let count: number | null;
  let pageIndex: number;
  let first: string | null;
  let last: string | null;
  if (rsm) {
    page = rooms;
    count = rsm.count;
    pageIndex = rsm.firstIndex ?? index ?? 0;
    first = rsm.first;
    last = rsm.last;
  } else {
    const sorted = [...rooms].sort((a, b) => compare(a.jid.toLowerCase(), b.jid.toLowerCase()));
    pageIndex = index ?? 0;
    page = sorted.slice(pageIndex, limit != null ? pageIndex + limit : undefined);
    count = sorted.length;
    first = page.length ? localOf(page[0]!.jid) : null;
    last = page.length ? localOf(page[page.length - 1]!.jid) : null;
  }
  if (page.length === 0) return { rooms: [], count, index: null, first: null, last: null };
  const descs = await mapLimit(page, ROOM_INFO_CONCURRENCY, (item) => describeRoom(session, item));
  return { rooms: descs, count, index: pageIndex, first, last };
}

async function describeRoom(session: XmppSession, item: DiscoItem): Promise<RoomDesc> {
  const jid = item.jid.toLowerCase();
  try {
    const info = parseRoomInfo(await discoInfo(session, jid));
    return { jid, title: info.name ?? item.name ?? localOf(jid), private: info.hidden, usersNumber: info.occupants };
  } catch (error) {
    if (!(error instanceof StanzaError)) throw toApiError(error);
    // The room went away between the listing and its description: keep what the listing said.
    return { jid, title: item.name ?? localOf(jid), private: null, usersNumber: null };
  }
}

/**
 * disco#info of a domain that may be a MUC service. MUC and MUC Light ask it the same
 * question, so an answer that describes a MUC service is remembered for the session
 * (only the first request per domain asks); any other answer is asked again next time.
 * @throws StanzaError and the session's errors.
 */
export function mucServiceInfo(session: XmppSession, domain: string): Promise<DiscoInfo> {
  return session.memo.remember(`muc-service:${domain}`, () => discoInfo(session, domain), isMucEntity);
}

/**
 * Whether `domain` is a MUC service (XEP-0045 §6.1); any refusal of disco#info means no.
 * @throws ApiError `timeout`/`xmpp_unavailable` when the question cannot be asked.
 */
export async function isMucService(session: XmppSession, domain: string, context: Record<string, unknown>): Promise<boolean> {
  try {
    return isMucEntity(await mucServiceInfo(session, domain));
  } catch (error) {
    if (error instanceof StanzaError) return false;
    throw toApiError(error, {}, context);
  }
}

/**
 * Whether the room exists: its disco#info answers (XEP-0045 §6.4) rather than `item-not-found`/`gone`.
 * @throws ApiError `timeout`/`xmpp_unavailable`, or the generic code of another refusal.
 */
export async function roomExists(session: XmppSession, room: string, context: Record<string, unknown>): Promise<boolean> {
  try {
    await discoInfo(session, room);
    return true;
  } catch (error) {
    if (error instanceof StanzaError && (error.condition === "item-not-found" || error.condition === "gone")) return false;
    throw toApiError(error, {}, context);
  }
}

export async function roomInfoOrFail(session: XmppSession, room: string, context: Record<string, unknown>): Promise<RoomInfo> {
  try {
    return parseRoomInfo(await discoInfo(session, room));
  } catch (error) {
    throw toApiError(error, { "item-not-found": { code: "could_not_create_room", message: MUC_MESSAGES.creationFailed } }, context, MUC_CONTEXT);
  }
}
