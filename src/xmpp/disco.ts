import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "./session.js";
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from "./namespaces.js";
import { parseDataForms, type DataForm } from "./forms.js";
import { buildRsmSet, parseRsmSet, type RsmRequest, type RsmResult } from "./rsm.js";
import { domainOfJid, hasLocal, resourceOf } from "./jid.js";

/*
 * Service discovery (XEP-0030, https://xmpp.org/extensions/xep-0030.html): what an entity
 * is and offers (disco#info, with XEP-0128 extended-info forms) and which entities it
 * lists (disco#items, paged with XEP-0059 when asked).
 */

/** One entity's disco#info: identities, features and extended-info forms. */
export interface DiscoInfo {
  identities: Array<{ category: string; type: string; name: string | null }>;
  features: ReadonlySet<string>;
  forms: DataForm[];
}

/** One item of a disco#items result. */
export interface DiscoItem {
  jid: string;
  name: string | null;
  node: string | null;
}

/** `disco#info` of an entity (XEP-0030 §3.1). */
export function buildDiscoInfoGet(to: string): Element {
  return xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_INFO }));
}

/** Parses a disco#info result. */
export function parseDiscoInfo(reply: Element): DiscoInfo {
  const query = reply.getChild("query", NS_DISCO_INFO);
  return {
    identities: (query?.getChildren("identity") ?? []).map((i) => ({
      category: i.attrs.category ?? "",
      type: i.attrs.type ?? "",
      name: i.attrs.name || null,
    })),
    features: new Set((query?.getChildren("feature") ?? []).map((f) => f.attrs.var ?? "")),
    forms: parseDataForms(query),
  };
}

/** `disco#items` of an entity (XEP-0030 §4.1), asking for one page when `rsm` is given. */
export function buildDiscoItemsGet(to: string, rsm?: RsmRequest | null): Element {
  return xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_ITEMS }, buildRsmSet(rsm)));
}

/** The items (those with a JID) of a disco#items result, and its paging when the entity paged it (null otherwise). */
export function parseDiscoItems(reply: Element): { items: DiscoItem[]; rsm: RsmResult | null } {
  const query = reply.getChild("query", NS_DISCO_ITEMS);
  const items: DiscoItem[] = [];
  for (const item of query?.getChildren("item") ?? []) {
    if (!item.attrs.jid) continue;
    items.push({ jid: item.attrs.jid, name: item.attrs.name || null, node: item.attrs.node ?? null });
  }
  return { items, rsm: parseRsmSet(query) };
}

/** disco#info of `to`. @throws StanzaError and the session's errors. */
export async function discoInfo(session: XmppSession, to: string): Promise<DiscoInfo> {
  return parseDiscoInfo(await session.iq(buildDiscoInfoGet(to)));
}

/** The JIDs `to` lists in disco#items (one unpaged request). @throws StanzaError and the session's errors. */
export async function discoItemJids(session: XmppSession, to: string): Promise<string[]> {
  return parseDiscoItems(await session.iq(buildDiscoItemsGet(to))).items.map((item) => item.jid);
}

/** A component of the user's server with its disco#info. */
export interface ServerComponent {
  jid: string;
  info: DiscoInfo;
}

/**
 * The server's components with their disco#info: disco#items of the domain, then each
 * item's info in parallel; an item whose info fails is left out. Components rarely change
 * while a session lives, so the answer is remembered for the session (a failure is not).
 */
export function serverComponents(session: XmppSession): Promise<ServerComponent[]> {
  return session.memo.remember("disco:components", async () => {
    const items = await discoItemJids(session, session.domain);
    const infos = await Promise.all(items.map(async (jid) => ({ jid, info: await discoInfo(session, jid).catch(() => undefined) })));
    return infos.flatMap((c) => (c.info ? [{ jid: c.jid, info: c.info }] : []));
  });
}

/**
 * Whether a bare JID is a room: it lives on a service of the server that says it is a
 * group chat service (XEP-0030 identity `conference`). The user's own domain never is.
 */
export async function isRoomJid(session: XmppSession, jid: string): Promise<boolean> {
  if (resourceOf(jid) !== undefined || !hasLocal(jid)) return false;
  const domain = domainOfJid(jid);
  if (domain === session.domain) return false;
  // What a service is does not change while the session lives: ask once per domain.
  const info = await session.memo.remember(`disco-info ${domain}`, () => discoInfo(session, domain)).catch(() => undefined);
  return info?.identities.some((i) => i.category === "conference") ?? false;
}
