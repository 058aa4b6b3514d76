import type { XmppSession } from "../xmpp/session.js";
import { discoItemJids } from "../xmpp/disco.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { XmppConnectionError } from "../xmpp/errors.js";
import {
  GATEWAY_RESOURCE, buildPresenceProbe, ownResource, ownResources, parsePresencePriority,
} from "./session.stanzas.js";

/**
 * How long listSessions waits for the answers to its presence probes. A resource that is
 * available answers at once (about a millisecond on loopback); one that sent no presence
 * never answers, so the wait ends when every resource answered or after this long.
 */
export const PROBE_WINDOW_MS = 250;

/**
 * One session of the caller as the API reports it (the GraphQL `Session`). The gateway
 * learns sessions over XMPP, which does not carry the connection type, the client's
 * address and port, the cluster node or the session's age: those are always `null`.
 */
export interface SessionInfo {
  user: string;
  connection: null;
  ip: null;
  port: null;
  /** From the resource's presence; `null` for a session that has sent no presence. */
  priority: number | null;
  node: null;
  uptime: null;
}

/**
 * The caller's sessions as the server reveals them: from disco#items on the bare JID
 * when the server lists them there (every connected resource, available or not, as
 * MongooseIM lists them); otherwise (Prosody) from presence, which tells only the
 * available ones, each with its priority.
 */
type Listing = { via: "disco"; resources: string[] } | { via: "presence"; priorities: Map<string, number> };

async function listOwnSessions(session: XmppSession): Promise<Listing> {
  const context = { user: session.bareJid };
  const items: string[] = await orApiError(discoItemJids(session, session.bareJid), {}, context);
  const listed = ownResources(items, session.bareJid);
  // The pooled session is itself connected: a server that lists sessions lists it too. One
  // that does not (Prosody returns its PEP nodes) would otherwise look like "no sessions".
  if (listed.includes(ownResource(session.jid, session.bareJid) ?? "")) return { via: "disco", resources: listed };
  return { via: "presence", priorities: await orApiError(session.ownPresence.clientResources(), {}, context) };
}

/** The user's resources in a listing, sorted, without the gateway's own (pooled) sessions. */
function resourcesOf(listing: Listing): string[] {
  const all = listing.via === "disco" ? listing.resources : [...listing.priorities.keys()];
  return all.filter((resource) => !GATEWAY_RESOURCE.test(resource)).sort();
}

/**
 * The resources of the caller's connected sessions, sorted, without the gateway's own
 * (pooled) sessions. Where the server lists sessions, those that have not sent presence
 * are included, as MongooseIM includes them; on Prosody only available ones are known.
 */
export async function listResources(session: XmppSession): Promise<string[]> {
  return resourcesOf(await listOwnSessions(session));
}

/** How many sessions listResources reports. */
export async function countResources(session: XmppSession): Promise<number> {
  return (await listResources(session)).length;
}

/**
 * The caller's sessions (those listResources reports), each with the priority of its
 * current presence, asked for with a probe to its full JID and collected for at most
 * `windowMs`.
 * On Prosody the priorities come with the presence that listed the sessions.
 * @throws ApiError `xmpp_unavailable` when the connection closes meanwhile.
 */
export async function listSessions(session: XmppSession, windowMs = PROBE_WINDOW_MS): Promise<SessionInfo[]> {
  const listing = await listOwnSessions(session);
  const resources = resourcesOf(listing);
  const priorities = listing.via === "presence" ? listing.priorities : await probePriorities(session, resources, windowMs);
  return resources.map((resource) => ({
    user: `${session.bareJid}/${resource}`,
    connection: null,
    ip: null,
    port: null,
    priority: priorities.get(resource) ?? null,
    node: null,
    uptime: null,
  }));
}

/**
 * Probes each resource and resolves with the priority of each one whose presence arrived,
 * as soon as all have answered or when `windowMs` has passed.
 */
function probePriorities(session: XmppSession, resources: readonly string[], windowMs: number): Promise<Map<string, number | null>> {
  const priorities = new Map<string, number | null>();
  if (resources.length === 0) return Promise.resolve(priorities);
  return new Promise((resolve, reject) => {
    const waiting = new Set(resources);
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      removeListener();
      removeCloseListener();
      if (error === undefined) resolve(priorities);
      else reject(toApiError(error, {}, { user: session.bareJid }));
    };
    const removeListener = session.onStanza((stanza) => {
      if (stanza.name !== "presence") return;
      const resource = ownResource(stanza.attrs.from, session.bareJid);
      const type = stanza.attrs.type;
      if (resource === undefined || !waiting.has(resource)) return;
      if (type !== undefined && type !== "unavailable" && type !== "error") return;
      priorities.set(resource, parsePresencePriority(stanza));
      waiting.delete(resource);
      if (waiting.size === 0) finish();
    });
    const removeCloseListener = session.onClose(() => finish(new XmppConnectionError("the XMPP session closed during the presence probes")));
    const timer = setTimeout(finish, windowMs);
    for (const resource of resources) {
      session.send(buildPresenceProbe(`${session.bareJid}/${resource}`)).catch(finish);
    }
  });
}
