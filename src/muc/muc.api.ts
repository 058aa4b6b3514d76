/*
 * The MUC (XEP-0045) operations of the user API, one module per job; resolvers and MUC
 * Light import them from here.
 */
export * from "./muc.model.js";
export { listRooms, isMucService, mucServiceInfo, roomExists } from "./muc.discovery.js";
export { createInstantRoom, enterRoom, exitRoom } from "./muc.enter.js";
export { sendMessageToRoom, sendPrivateMessage, inviteUser, sendThroughRoom } from "./muc.talk.js";
export { kickUser, setUserRole, setUserAffiliation, listRoomUsers, listRoomAffiliations } from "./muc.moderation.js";
export { deleteRoom, getRoomConfig, changeRoomConfiguration } from "./muc.owner.js";
export { getRoomMessages } from "./muc.archive.js";
