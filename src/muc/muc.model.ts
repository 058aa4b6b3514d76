/*
 * What the MUC api returns and takes, shared by its sections.
 */

/** MongooseIM's default (and maximum) page of a room's archive. */
export const MAX_ROOM_ARCHIVE_PAGE = 50;
/** How many rooms' disco#info a listing asks for at once. */
export const ROOM_INFO_CONCURRENCY = 8;

/** MongooseIM's texts for a missing `reason`. */
export const DEFAULT_REASONS = {
  invite: "User invited through the user GraphQL API",
  kick: "User kicked through the user GraphQL API",
  destroy: "Room deleted through the user GraphQL API" } as const;

/** Roles and affiliations as the API spells them. */
export type RoleName = "MODERATOR" | "PARTICIPANT" | "VISITOR";
export type AffiliationName = "OWNER" | "ADMIN" | "MEMBER" | "OUTCAST" | "NONE";

/** A room's summary (the GraphQL `MUCRoomDesc`). */
export interface RoomDesc {
  jid: string;
  title: string;
  private: boolean | null;
  usersNumber: number | null;
}

/** A page of rooms (the GraphQL `MUCRoomsPayload`). */
export interface RoomsPage {
  rooms: RoomDesc[];
  count: number | null;
  index: number | null;
  first: string | null;
  last: string | null;
}

/** An occupant (the GraphQL `MUCRoomUser`). */
export interface RoomUser {
  jid: string | null;
  nick: string;
  role: RoleName;
}

/** An affiliation list entry (the GraphQL `MUCRoomAffiliation`). */
export interface RoomAffiliation {
  jid: string;
  affiliation: AffiliationName;
}

/** Options every operation that waits on a room's presence takes. */
export interface MucOptions {
  /** How long to wait for a room to answer a presence (enter, exit). */
  timeoutMs?: number;
}

/** Orders by UTF-16 code units, as MongooseIM (Erlang binaries) does. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
