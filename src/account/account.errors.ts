import type { ConditionMapping } from "../errors/map-error.js";

/** MongooseIM's answer for every refused account change (`mongoose_account_api`). */
export const NOT_ALLOWED_MESSAGE = "User does not exist or you are not authorized properly";

const notAllowed = { code: "not_allowed", message: NOT_ALLOWED_MESSAGE } as const;

/**
 * In-Band Registration (XEP-0077) refusals, in MongooseIM's codes. MongooseIM answers
 * `not_allowed` for any failure of the auth backend, so every condition a server uses to
 * refuse the change maps there: Prosody answers `bad-request` (wrong username) and
 * `internal-server-error` (storage failure) to a password change and
 * `service-unavailable` when the account cannot be deleted; ejabberd answers
 * `not-allowed` (e.g. a password it does not accept) and `forbidden` (access rules).
 * Conditions not listed (`feature-not-implemented` …) keep their generic meaning.
 */
const CHANGE_PASSWORD = {
  "not-allowed": notAllowed,
  forbidden: notAllowed,
  "not-authorized": notAllowed,
  "bad-request": notAllowed,
  "not-acceptable": notAllowed,
  "item-not-found": notAllowed,
  "registration-required": notAllowed,
  "internal-server-error": notAllowed,
} as const satisfies ConditionMapping;

export const ACCOUNT_ERRORS = {
  changePassword: CHANGE_PASSWORD,
  unregister: {
    ...CHANGE_PASSWORD,
    "service-unavailable": notAllowed,
  },
} as const satisfies Record<string, ConditionMapping>;
