import { accept, defineScalar, reject } from "./define-scalar.js";
import { formatDateTime, parseDateTime } from "../xmpp/date-time.js";

const REASON = "failed_to_parse_datetime";

export const DateTimeScalar = defineScalar<Date, string>({
  name: "DateTime",
  description:
    "An instant. Input: an RFC 3339 date-time with an offset, e.g. `2024-05-01T12:00:00.250+02:00`. " +
    "Output: UTC to the second, `YYYY-MM-DDTHH:mm:ssZ`.",
  coerce: (input) => {
    const date = typeof input === "string" ? parseDateTime(input) : null;
    return date === null ? reject(REASON) : accept(date);
  },
  serialize: (output) => {
    if (output instanceof Date && !Number.isNaN(output.getTime())) return formatDateTime(output);
    const parsed = typeof output === "string" ? parseDateTime(output) : null;
    if (parsed === null) throw new TypeError("DateTime cannot represent this value");
    return formatDateTime(parsed);
  },
});
