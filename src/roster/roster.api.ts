import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { isRemote, unreachableDomain } from "../xmpp/remote-domain.js";
import { domainOfJid } from "../xmpp/jid.js";
import { ROSTER_ERRORS } from "./roster.errors.js";
import { pendingRequestsOf, readPendingRequests, withPendingRequests } from "./roster.pending.js";
import { buildServerPing } from "../xmpp/ping.js";
import {
  buildRosterGet, buildRosterRemove, buildRosterSet, buildSubscriptionPresence, parseRosterItems,
  type RosterItem, type SubscriptionPresence,
} from "./roster.stanzas.js";

/** The caller's roster as the server stores it (RFC 6121 §2.1.3), without pending incoming requests. */
export async function readRoster(session: XmppSession): Promise<RosterItem[]> {
  try {
    return parseRosterItems(await session.iq(buildRosterGet()));
  } catch (error) {
    throw toApiError(error, ROSTER_ERRORS.list, { user: session.bareJid });
  }
}

/**
 * The caller's whole roster as MongooseIM lists it: the stored items, with `ask` IN/BOTH
 * where a contact's subscription request is pending, and each contact that is only a
 * pending request (see roster.pending.ts: may make the session available briefly).
 */
export async function listContacts(session: XmppSession): Promise<RosterItem[]> {
  const [items, pending] = await Promise.all([
    readRoster(session),
    orApiError(readPendingRequests(session), ROSTER_ERRORS.list, { user: session.bareJid }),
  ]);
  return withPendingRequests(items, pending);
}

/**
 * One contact of {@link listContacts}: a roster item or a pending request. XMPP has no
 * single-item roster query, so this reads the roster.
 * @throws ApiError `contact_not_found` when the JID is neither.
 */
export async function getContact(session: XmppSession, contact: string): Promise<RosterItem> {
  const item = (await listContacts(session)).find((i) => i.jid === contact);
  if (!item) throw new ApiError("contact_not_found", "Given contact does not exist", { contact });
  return item;
}

/**
 * Adds (or updates) a roster item with a name and groups, like MongooseIM without
 * sending any subscription request. Unlike MongooseIM it cannot refuse a JID without an
 * account: XMPP servers do not reveal whether an account exists (the README says so).
 * A contact on another domain is refused when the server says, within a short wait, that
 * it cannot reach that domain.
 * @returns MongooseIM's success message.
 * @throws ApiError `remote_server_not_found`, or the roster set's refusal.
 */
export async function addContact(
  session: XmppSession,
  contact: string,
  name: string | null | undefined,
  groups: readonly string[] | null | undefined,
): Promise<string> {
  const context = { user: session.bareJid, contact };
  if (isRemote(session, contact)) {
    const unreachable = await orApiError(unreachableDomain(session, domainOfJid(contact)), {}, context);
    if (unreachable) throw toApiError(unreachable, {}, context);
  }
  await orApiError(session.iq(buildRosterSet({ jid: contact, name, groups })), ROSTER_ERRORS.add, context);
  return "Contact added successfully";
}

/**
 * Removes a roster item (and with it the subscriptions both ways). A contact that is only
 * a pending request ({@link listContacts} lists it) is removed by refusing the request,
 * as MongooseIM removes its pending roster entry.
 * @throws ApiError `contact_not_found` when it is neither (the server's `item-not-found`,
 *         RFC 6121 §2.5.3).
 */
export async function deleteContact(session: XmppSession, contact: string): Promise<string> {
  const context = { user: session.bareJid, contact };
  try {
    // RFC 6121 §2.5.3 wants item-not-found for an absent item, but ejabberd (23.01)
    // answers success: look first, so that every server reports contact_not_found.
    if (!(await readRoster(session)).some((i) => i.jid === contact)) {
      if (!(await readPendingRequests(session)).has(contact)) throw new StanzaError("item-not-found", "cancel", undefined);
      await changeSubscription(session, contact, "DECLINE");
      return `Contact ${contact} deleted successfully`;
    }
    await session.iq(buildRosterRemove(contact));
  } catch (error) {
    throw toApiError(error, ROSTER_ERRORS.remove, context);
  }
  return `Contact ${contact} deleted successfully`;
}

/** The presence type each API action sends (RFC 6121 §3.1–3.3). */
export const SUBSCRIPTION_PRESENCE = {
  INVITE: "subscribe",
  ACCEPT: "subscribed",
  DECLINE: "unsubscribed",
  CANCEL: "unsubscribe",
} as const satisfies Record<string, SubscriptionPresence>;

/** Sends a subscription request, approval, refusal or cancellation to a contact. */
export async function changeSubscription(
  session: XmppSession,
  contact: string,
  action: keyof typeof SUBSCRIPTION_PRESENCE,
): Promise<string> {
  const type = SUBSCRIPTION_PRESENCE[action];
  try {
    await session.send(buildSubscriptionPresence(contact, type));
    // Answer once the server has handled the presence (it handles a stream's stanzas in
    // order), as MongooseIM's in-server API does: an ACCEPT sent right after the INVITE
    // otherwise races it on ejabberd, which then drops the approval as unsolicited.
    await session.iq(buildServerPing(session.domain));
  } catch (error) {
    throw toApiError(error, {}, { contact });
  }
  if (action === "ACCEPT" || action === "DECLINE") pendingRequestsOf(session).answered(contact);
  return `Subscription stanza with type ${type} sent successfully`;
}
