import { accept, defineScalar, reject } from "./define-scalar.js";
import { erlangString } from "./coercion-error.js";

export const NonEmptyStringScalar = defineScalar<string, string>({
  name: "NonEmptyString",
  description: "A string with at least one character (whitespace counts).",
  coerce: (input) =>
    typeof input === "string" && input !== "" ? accept(input) : reject(erlangString("Given string is empty")),
  serialize: (output) => {
    if (typeof output === "string" && output !== "") return output;
    throw new TypeError("NonEmptyString cannot represent this value");
  },
});
