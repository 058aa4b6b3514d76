import { xml, type Element } from "@xmpp/xml";
import { parseJid } from "../xmpp/jid.js";

/*
 * The caller's own connected sessions. XMPP has no standard query for them; two things
 * come close:
 * - XEP-0030 disco#items on the user's own bare JID: servers built on ejabberd's session
 *   manager (ejabberd, MongooseIM) answer with one item per connected resource, available
 *   or not. Prosody 0.12 lists only PEP nodes there.
 * - RFC 6121 §4.3 presence probes to the user's own full JIDs: ejabberd answers each one
 *   with that resource's current presence (carrying its priority, §4.7.2.3) and stays
 *   silent for a resource that sent no presence.
 */

// The gateway's own resources and presence priorities are read as the pooled sessions
// read them (src/xmpp/presence.ts), so both places agree on what is the user's.
export { GATEWAY_RESOURCE, parsePresencePriority } from "../xmpp/presence.js";

/**
 * The resources of the disco#items JIDs that are the account's own full JIDs, normalised,
 * without duplicates, in the server's order. Other items (PEP nodes on the bare JID,
 * other entities, unparsable JIDs) are ignored.
 */
export function ownResources(itemJids: readonly string[], bareJid: string): string[] {
  const resources: string[] = [];
  for (const jid of itemJids) {
    const resource = ownResource(jid, bareJid);
    if (resource !== undefined && !resources.includes(resource)) resources.push(resource);
  }
  return resources;
}

/** `<presence type='probe' to=fullJid/>` (RFC 6121 §4.3.1). */
export function buildPresenceProbe(fullJid: string): Element {
  return xml("presence", { type: "probe", to: fullJid });
}

/**
 * The resource of `jid` when it is a full JID of the account `bareJid`; `undefined` for
 * anything else (another entity, the bare JID itself, an unparsable JID).
 */
export function ownResource(jid: string | undefined, bareJid: string): string | undefined {
  if (jid === undefined) return undefined;
  try {
    const parsed = parseJid(jid);
    if (parsed.resource === "" || `${parsed.local}@${parsed.domain}` !== bareJid) return undefined;
    return parsed.resource;
  } catch {
    return undefined;
  }
}
