import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "./session.js";
import { StanzaError } from "./errors.js";

/*
 * A room's avatar (XEP-0486 MUC Avatars): the room's vcard-temp (XEP-0054) PHOTO, set by
 * an owner with an IQ to the room's bare JID and read by anyone the same way. Rooms that
 * take it list `vcard-temp` in their disco#info (ejabberd 23.01); Prosody 0.12's mod_muc
 * does not (it answers service-unavailable). Also the `data:` URI form the chat-app API
 * shows icons in, with its bound.
 * https://xmpp.org/extensions/xep-0486.html, https://xmpp.org/extensions/xep-0054.html
 */

export const NS_VCARD_TEMP = "vcard-temp";

/** The largest icon the API takes, as a `data:` URI (64 KiB): it travels in every read of the room. */
export const MAX_ICON_URI_LENGTH = 64 * 1024;

/** An image: its media type and its bytes in base64. */
export interface RoomIcon {
  type: string;
  base64: string;
}

const DATA_URI = /^data:(image\/[a-z0-9][a-z0-9.+-]*);base64,([A-Za-z0-9+/]*={0,2})$/i;

/** Why an icon URI was refused, or null when it is a `data:image/…;base64,` URI within {@link MAX_ICON_URI_LENGTH}. */
export function iconUriProblem(uri: string): string | null {
  if (uri.length > MAX_ICON_URI_LENGTH) return `\`icon\` is at most ${MAX_ICON_URI_LENGTH} characters`;
  const match = DATA_URI.exec(uri);
  if (!match || match[2]!.length === 0 || match[2]!.length % 4 !== 0) return "`icon` must be a data:image/…;base64,… URI";
  return null;
}

/** The icon a valid `data:` URI carries (see {@link iconUriProblem}), or null. */
export function parseIconUri(uri: string): RoomIcon | null {
  const match = DATA_URI.exec(uri);
  return match ? { type: match[1]!.toLowerCase(), base64: match[2]! } : null;
}

export function iconUri(icon: RoomIcon): string {
  return `data:${icon.type};base64,${icon.base64}`;
}

/** The owner's vCard set on the room (XEP-0486 §3): the PHOTO, or an empty vCard to remove it. */
export function buildRoomAvatarSet(room: string, icon: RoomIcon | null): Element {
  const photo = icon && xml("PHOTO", {}, xml("TYPE", {}, icon.type), xml("BINVAL", {}, icon.base64));
  return xml("iq", { type: "set", to: room }, xml("vCard", { xmlns: NS_VCARD_TEMP }, photo));
}

export function buildRoomAvatarGet(room: string): Element {
  return xml("iq", { type: "get", to: room }, xml("vCard", { xmlns: NS_VCARD_TEMP }));
}

/**
 * The PHOTO of a room's vCard, or null. ejabberd 23.01 stores the PHOTO without its TYPE;
 * the type is then read from the image's first bytes (PNG, JPEG, GIF, WebP), else
 * `image/png`.
 */
export function parseRoomAvatar(reply: Element): RoomIcon | null {
  const photo = reply.getChild("vCard", NS_VCARD_TEMP)?.getChild("PHOTO");
  const base64 = photo?.getChildText("BINVAL")?.replace(/\s+/g, "");
  if (!base64) return null;
  const type = photo?.getChildText("TYPE")?.trim().toLowerCase();
  return { type: type?.startsWith("image/") ? type : sniffImageType(base64), base64 };
}

const SIGNATURES: ReadonlyArray<[prefix: string, type: string]> = [
  ["iVBORw0KGgo", "image/png"], ["/9j/", "image/jpeg"], ["R0lGOD", "image/gif"], ["UklGR", "image/webp"],
];

function sniffImageType(base64: string): string {
  return SIGNATURES.find(([prefix]) => base64.startsWith(prefix))?.[1] ?? "image/png";
}

/** Whether a room's disco#info features say it takes a vCard (XEP-0486 §2). */
export function takesRoomAvatar(features: ReadonlySet<string>): boolean {
  return features.has(NS_VCARD_TEMP);
}

/**
 * The room's avatar, or null when it has none (an empty vCard, or `item-not-found`).
 * @throws StanzaError for other refusals, and the session's errors.
 */
export async function readRoomAvatar(session: XmppSession, room: string): Promise<RoomIcon | null> {
  try {
    return parseRoomAvatar(await session.iq(buildRoomAvatarGet(room)));
  } catch (error) {
    if (error instanceof StanzaError && error.condition === "item-not-found") return null;
    throw error;
  }
}
