import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { newStanzaId } from "../xmpp/messages.js";
import { discoInfo } from "../xmpp/disco.js";
import {
  buildRoomAvatarSet, iconUri, iconUriProblem, parseIconUri, readRoomAvatar, takesRoomAvatar, type RoomIcon,
} from "../xmpp/room-avatar.js";
import { buildSubjectMessage, parseRoomInfo, type RoomInfo } from "../muc/muc.stanzas.js";
import { MUC_MESSAGES, unsupportedConfig } from "../muc/muc.errors.js";
import { MucOccupancy } from "../muc/muc.occupancy.js";
import { sendThroughRoom } from "../muc/muc.api.js";
import { changeRoomConfiguration, changeRoomIcon, type MucLightOptions } from "../muc-light/muc-light.api.js";
import { decodeDescription, descriptionOf, isLightDescription } from "../muc-light/muc-light.mapping.js";
import { touchConversation, type ConversationModel } from "./conversation-list.api.js";
import { ROOM_DATA_ERRORS, notInRoom } from "./room-data.errors.js";

/*
 * `conversations.setRoomData` (OMA's group chat data change) and the room icon reader.
 * MUC Light rooms (as the gateway maps them) go through the MUC Light operations, owners
 * only; MUC rooms through the gateway's session in the room, owners and admins. The
 * subject is the room subject (XEP-0045 §8.1); the icon is the room's vCard avatar
 * (XEP-0486) where rooms take one, else, for MUC Light rooms, a `data:` URI in the
 * room's description (src/muc-light/muc-light.mapping.ts).
 */

/** What to change: a subject, an icon (`data:` URI), or the icon removed. */
export interface RoomDataChange {
  subject?: string | null;
  icon?: string | null;
  clearIcon?: boolean | null;
}

/**
 * Changes the room's subject and/or icon and returns the room's conversation with its icon.
 * @throws ApiError `invalid_input` (field `icon`, `clearIcon` or `subject`), `room_not_found`,
 *         `not_room_member` / `not_allowed` (MUC Light), `not_in_room` / `not_allowed` /
 *         `config_field_not_supported` (MUC: an icon on a server whose rooms take no vCard).
 */
export async function setRoomData(session: XmppSession, room: string, change: RoomDataChange, opts: MucLightOptions = {}): Promise<ConversationModel> {
  const { subject, icon } = checkChange(change);
  const info = await roomInfo(session, room);
  if (isLightDescription(descriptionOf(info))) {
    if (subject !== undefined) await changeRoomConfiguration(session, room, null, subject, null, opts);
    if (icon !== undefined) await changeRoomIcon(session, room, icon);
  } else {
    await changeMucRoom(session, room, info, subject, icon);
  }
  const conversation = await touchConversation(session, room, subject !== undefined ? { subject } : {});
  return { ...conversation, icon: icon === undefined ? await roomIcon(session, room) : icon && iconUri(icon) };
}

/**
 * The room's icon as a `data:` URI, or null: its vCard avatar (XEP-0486) where the room
 * takes one, else the icon a MUC Light room keeps in its description. For the
 * conversation list; any occupant or member may read it.
 * @throws ApiError `room_not_found`, and the generic codes.
 */
export async function roomIcon(session: XmppSession, room: string): Promise<string | null> {
  const info = await roomInfo(session, room);
  if (takesRoomAvatar(info.features)) {
    const avatar = await orApiError(readRoomAvatar(session, room), ROOM_DATA_ERRORS, { room });
    return avatar && iconUri(avatar);
  }
  return decodeDescription(descriptionOf(info)).icon ?? null;
}

/** The change, validated: `subject` and `icon` undefined when not to change, `icon` null to remove. */
function checkChange(change: RoomDataChange): { subject?: string; icon?: RoomIcon | null } {
  const invalid = (field: string, message: string) => new ApiError("invalid_input", message, { field });
  const clear = change.clearIcon === true;
  if (change.icon != null && clear) throw invalid("clearIcon", "Give `icon` or `clearIcon`, not both");
  if (change.subject == null && change.icon == null && !clear) throw invalid("subject", "Give `subject`, `icon` or `clearIcon: true`");
  const result: { subject?: string; icon?: RoomIcon | null } = {};
  if (change.subject != null) result.subject = change.subject;
  if (clear) result.icon = null;
  if (change.icon != null) {
    const problem = iconUriProblem(change.icon);
    if (problem !== null) throw invalid("icon", problem);
    result.icon = parseIconUri(change.icon);
  }
  return result;
}

/**
 * A MUC room: through the gateway's session in it (like `muc.sendMessageToRoom`), by an
 * owner or admin (the affiliation the room gave the session). The icon's support is known
 * before anything changes.
 */
async function changeMucRoom(session: XmppSession, room: string, info: RoomInfo, subject: string | undefined, icon: RoomIcon | null | undefined): Promise<void> {
  const context = { room };
  const occupancy = MucOccupancy.of(session).get(room);
  if (!occupancy) throw notInRoom(room);
  if (occupancy.self.affiliation !== "owner" && occupancy.self.affiliation !== "admin") {
    throw new ApiError("not_allowed", MUC_MESSAGES.cannotChangeConfig, context);
  }
  if (icon !== undefined && !takesRoomAvatar(info.features)) throw unsupportedConfig(room, ["icon"]);
  if (subject !== undefined) await sendThroughRoom(session, room, buildSubjectMessage(room, subject, newStanzaId()), ROOM_DATA_ERRORS, context);
  if (icon !== undefined) await orApiError(session.iq(buildRoomAvatarSet(room, icon)), ROOM_DATA_ERRORS, context);
}

async function roomInfo(session: XmppSession, room: string): Promise<RoomInfo> {
  try {
    return parseRoomInfo(await discoInfo(session, room));
  } catch (error) {
    if (error instanceof StanzaError && (error.condition === "item-not-found" || error.condition === "gone")) {
      throw new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
    }
    throw toApiError(error, ROOM_DATA_ERRORS, { room });
  }
}

