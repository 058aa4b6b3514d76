import type { ConditionMapping } from "../errors/map-error.js";

/** Stanza API refusals: the archive (XEP-0313) answers for MongooseIM's mod_mam_pm. */
export const STANZA_ERRORS = {
  archive: {
    "item-not-found": { code: "internal", message: "The archive query refers to an unknown message" },
  },
} as const satisfies Record<string, ConditionMapping>;
