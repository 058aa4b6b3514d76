import type { ConditionMapping } from "../errors/map-error.js";

/** Roster (RFC 6121 §2) refusals per operation, in MongooseIM's codes. */
export const ROSTER_ERRORS = {
  list: {},
  add: {
    "item-not-found": { code: "user_not_exist", message: (c) => `The user ${String(c.contact)} does not exist` },
    "not-allowed": { code: "not_allowed", message: (c) => `The XMPP server does not allow ${String(c.contact)} in this roster` },
    "not-acceptable": { code: "internal", message: "Cannot create a contact because: the server refused the roster item" },
    "bad-request": { code: "internal", message: "Cannot create a contact because: the server refused the roster item" },
    forbidden: { code: "internal", message: "Cannot create a contact because: the server refused the roster item" },
  },
  remove: {
    "item-not-found": { code: "contact_not_found", message: (c) => `Cannot remove ${String(c.contact)} contact that does not exist` },
  },
} as const satisfies Record<string, ConditionMapping>;
