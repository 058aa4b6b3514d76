import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "./session.js";
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from "./namespaces.js";

/*
 * Service discovery (XEP-0030): which components of the user's server offer what.
 * Components rarely change while a gateway runs, so results are cached per server.
 */

/** One entity's disco#info: identities as "category/type" and features. */
export interface DiscoInfo {
  identities: Array<{ category: string; type: string; name?: string }>;
  features: Set<string>;
}

/** Parses a disco#info result. */
export function parseDiscoInfo(reply: Element): DiscoInfo {
  const query = reply.getChild("query", NS_DISCO_INFO);
  return {
    identities: (query?.getChildren("identity") ?? []).map((i) => ({
      category: i.attrs.category ?? "", type: i.attrs.type ?? "", ...(i.attrs.name !== undefined && { name: i.attrs.name }),
    })),
    features: new Set((query?.getChildren("feature") ?? []).map((f) => f.attrs.var ?? "")),
  };
}

/** Parses a disco#items result into item JIDs. */
export function parseDiscoItems(reply: Element): string[] {
  const query = reply.getChild("query", NS_DISCO_ITEMS);
  return (query?.getChildren("item") ?? []).flatMap((i) => (i.attrs.jid ? [i.attrs.jid] : []));
}

/** `disco#info` of an entity (XEP-0030 §3.1). */
export function buildDiscoInfoGet(to: string): Element {
  return xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_INFO }));
}

/** `disco#items` of an entity (XEP-0030 §4.1). */
export function buildDiscoItemsGet(to: string): Element {
  return xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_ITEMS }));
}

export async function discoInfo(session: XmppSession, to: string): Promise<DiscoInfo> {
  return parseDiscoInfo(await session.iq(buildDiscoInfoGet(to)));
}

export async function discoItems(session: XmppSession, to: string): Promise<string[]> {
  return parseDiscoItems(await session.iq(buildDiscoItemsGet(to)));
}

const componentCache = new Map<string, Promise<Array<{ jid: string; info: DiscoInfo }>>>();

/**
 * The server's components with their disco#info (disco#items of the domain, then each
 * item's info in parallel). Cached per domain for the process; a failure is not cached.
 */
export function serverComponents(session: XmppSession): Promise<Array<{ jid: string; info: DiscoInfo }>> {
  const domain = session.domain;
  let cached = componentCache.get(domain);
  if (!cached) {
    cached = (async () => {
      const items = await discoItems(session, domain);
      const infos = await Promise.all(items.map(async (jid) => ({ jid, info: await discoInfo(session, jid).catch(() => undefined) })));
      return infos.flatMap((c) => (c.info ? [{ jid: c.jid, info: c.info }] : []));
    })();
    componentCache.set(domain, cached);
    cached.catch(() => componentCache.delete(domain));
  }
  return cached;
}
