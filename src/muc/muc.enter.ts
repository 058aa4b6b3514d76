import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { MUC_ERRORS, MUC_MESSAGES, mucServerNotFound, MUC_CONTEXT } from "./muc.errors.js";
import {
  buildConfigFormGet, buildConfigSubmit, buildInstantRoomSubmit, buildLeavePresence, parseConfigForm,
} from "./muc.stanzas.js";
import { MucOccupancy } from "./muc.occupancy.js";
import { domainOfJid, localOf } from "../xmpp/jid.js";
import type { RoomDesc, MucOptions } from "./muc.model.js";
import { isMucService, roomInfoOrFail } from "./muc.discovery.js";

/*
 * Creating, entering and leaving rooms (XEP-0045 §7.2, §7.14, §10.1) through the
 * caller's pooled session.
 */

/**
 * Creates an instant room owned by the caller (XEP-0045 §10.1.2): the pooled session
 * enters it, accepts the default configuration (which unlocks it) and stays in it. A
 * service whose default hides new rooms is asked to make it public, as MongooseIM's
 * defaults do. An existing room the caller owns is returned as it is.
 * @returns the room's summary as the room reports it after creation.
 * @throws ApiError `could_not_create_room` with MongooseIM's three messages.
 */
export async function createInstantRoom(session: XmppSession, room: string, nick: string, options: MucOptions = {}): Promise<RoomDesc> {
  const context = { room };
  if (!(await isMucService(session, domainOfJid(room), context))) {
    throw new ApiError("could_not_create_room", MUC_MESSAGES.incorrectDomain, context);
  }
  const occupancy = MucOccupancy.of(session, options.timeoutMs);
  let entered: Awaited<ReturnType<MucOccupancy["enter"]>>;
  try {
    entered = await occupancy.enter(room, nick);
  } catch (error) {
    if (error instanceof StanzaError) throw new ApiError("could_not_create_room", MUC_MESSAGES.creationFailed, context);
    throw toApiError(error, {}, context);
  }
  if (entered.created) {
    try {
      await session.iq(buildInstantRoomSubmit(room));
    } catch (error) {
      await occupancy.leave(room).catch(() => false);
      if (error instanceof StanzaError) throw new ApiError("could_not_create_room", MUC_MESSAGES.couldNotUnlock, context);
      throw toApiError(error, {}, context);
    }
  } else if (entered.occupancy.self.affiliation !== "owner") {
    // The room already existed and is someone else's: do not stay in it uninvited.
    if (!entered.alreadyIn) await occupancy.leave(room).catch(() => false);
    throw new ApiError("could_not_create_room", MUC_MESSAGES.creationFailed, context);
  }
  let info = await roomInfoOrFail(session, room, context);
  if (entered.created && info.hidden === true) {
    await makePublic(session, room);
    info = await roomInfoOrFail(session, room, context);
  }
  return { jid: room, title: info.name ?? localOf(room), private: info.hidden ?? false, usersNumber: info.occupants };
}

async function makePublic(session: XmppSession, room: string): Promise<void> {
  try {
    const form = parseConfigForm(await session.iq(buildConfigFormGet(room)));
    if (form?.fields.has("muc#roomconfig_publicroom")) {
      await session.iq(buildConfigSubmit(room, { "muc#roomconfig_publicroom": ["1"] }));
    }
  } catch (error) {
    // A service that refuses public rooms keeps it hidden; the summary then says private.
    if (!(error instanceof StanzaError)) throw toApiError(error, {}, { room });
  }
}

/**
 * Enters a room through the caller's pooled session (XEP-0045 §7.2) and waits for the
 * room to admit it; the session then receives the room's traffic until it leaves or
 * closes. Entering a room that does not exist creates it, locked until its owner
 * configures it (§10.1.1), as on MongooseIM.
 * @throws ApiError `wrong_password`, `nick_conflict`, `not_allowed`, `room_not_found`,
 *         `muc_server_not_found`.
 */
export async function enterRoom(session: XmppSession, room: string, nick: string, password: string | null | undefined, options: MucOptions = {}): Promise<string> {
  const context = { room, nick };
  if (!(await isMucService(session, domainOfJid(room), { room }))) throw mucServerNotFound(domainOfJid(room), "room", room);
  await orApiError(MucOccupancy.of(session, options.timeoutMs).enter(room, nick, password), MUC_ERRORS.join, context, MUC_CONTEXT);
  return "Entering room message sent successfully";
}

/**
 * Leaves a room (XEP-0045 §7.14). The pooled session leaves wherever it is in the room
 * (rooms know occupants by their real JID); when it is not in the room, the unavailable
 * presence is still sent to `room/nick`, like MongooseIM's fire-and-forget exit.
 */
export async function exitRoom(session: XmppSession, room: string, nick: string, options: MucOptions = {}): Promise<string> {
  try {
    const left = await MucOccupancy.of(session, options.timeoutMs).leave(room);
    if (!left) await session.send(buildLeavePresence(room, nick));
  } catch (error) {
    throw toApiError(error, {}, { room });
  }
  return "Exiting room message sent successfully";
}
