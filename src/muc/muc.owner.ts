import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError, type ConditionMapping } from "../errors/map-error.js";
import { MUC_ERRORS, MUC_MESSAGES, configNotApplied, MUC_CONTEXT, unsupportedConfig } from "./muc.errors.js";
import { buildConfigFormGet, buildConfigSubmit, parseConfigForm, parseRoomInfo, type RoomInfo } from "./muc.stanzas.js";
import { discoInfo } from "../xmpp/disco.js";
import type { DataForm } from "../xmpp/forms.js";
import { planConfigChange, readRoomConfig, unappliedChanges, type RoomConfig, type RoomConfigChanges } from "./muc.config.js";
import { destroyRoom } from "./muc.destroy.js";
import { DEFAULT_REASONS } from "./muc.model.js";
import { roomExists } from "./muc.discovery.js";

/*
 * Owner use cases (XEP-0045 §10): configuration and destruction.
 */

/**
 * Destroys a room (XEP-0045 §10.9); its occupants get `reason`.
 * @throws ApiError `not_allowed` when the caller is not an owner, `room_not_found`.
 */
export async function deleteRoom(session: XmppSession, room: string, reason: string | null | undefined): Promise<string> {
  // ejabberd answers a muc#owner request to a missing room by creating the room (so that
  // MUC/Sub clients can create rooms by IQ): destroying it would then "succeed".
  if (!(await roomExists(session, room, { room }))) throw new ApiError("room_not_found", MUC_MESSAGES.deleteNonexistent, { room });
  await orApiError(destroyRoom(session, room, reason ?? DEFAULT_REASONS.destroy), MUC_ERRORS.deleteRoom, { room }, MUC_CONTEXT);
  return "Room deleted successfully";
}

/**
 * The room's configuration, from its owner form and its disco#info (see muc.config.ts).
 * @throws ApiError `not_allowed` when the caller is not an owner, `room_not_found`.
 */
export async function getRoomConfig(session: XmppSession, room: string): Promise<RoomConfig> {
  const { form, info } = await readConfigSources(session, room, MUC_ERRORS.getRoomConfig);
  return readRoomConfig(form, info).config;
}

/**
 * Changes the settings given in `changes` by submitting the owner form (XEP-0045 §10.2)
 * and returns the configuration the room reports afterwards. A setting the server's
 * form cannot carry is refused before anything is sent; a setting the room accepted
 * but did not apply is reported after.
 * @throws ApiError `not_allowed`, `room_not_found`, `config_field_not_supported`, `cannot_modify`.
 */
export async function changeRoomConfiguration(session: XmppSession, room: string, changes: RoomConfigChanges): Promise<RoomConfig> {
  const before = await readConfigSources(session, room, MUC_ERRORS.changeRoomConfig);
  const plan = planConfigChange(before.form, readRoomConfig(before.form, before.info).config, changes);
  if (plan.unsupported.length > 0) throw unsupportedConfig(room, plan.unsupported);
  if (Object.keys(plan.values).length > 0) {
    await orApiError(session.iq(buildConfigSubmit(room, plan.values)), MUC_ERRORS.changeRoomConfig, { room }, MUC_CONTEXT);
  }
  const after = await readConfigSources(session, room, MUC_ERRORS.changeRoomConfig);
  const config = readRoomConfig(after.form, after.info).config;
  const unapplied = unappliedChanges(config, changes);
  if (unapplied.length > 0) throw configNotApplied(room, unapplied);
  return config;
}

/**
 * The owner form and disco#info of a room. The disco#info comes first: ejabberd answers a
 * muc#owner request to a missing room by creating it, owned by the caller, with the
 * default form (see {@link deleteRoom}).
 */
async function readConfigSources(session: XmppSession, room: string, table: ConditionMapping): Promise<{ form: DataForm; info: RoomInfo | null }> {
  let info: RoomInfo | null = null;
  try {
    info = parseRoomInfo(await discoInfo(session, room));
  } catch (error) {
    if (!(error instanceof StanzaError)) throw toApiError(error, {}, { room });
    if (error.condition === "item-not-found" || error.condition === "gone") throw new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
    // Any other refusal of disco#info: the form alone says what it can.
  }
  let form: DataForm | null;
  try {
    form = parseConfigForm(await session.iq(buildConfigFormGet(room)));
  } catch (error) {
    throw toApiError(error, table, { room }, MUC_CONTEXT);
  }
  if (!form) throw new ApiError("internal", "The room answered without a configuration form", { room });
  return { form, info };
}
