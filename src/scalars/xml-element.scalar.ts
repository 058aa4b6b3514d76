import { XmlElement } from "../xmpp/xml.js";
import { erlangBinary } from "./coercion-error.js";
import { accept, defineScalar, reject } from "./define-scalar.js";
import { XmlParseError, parseXmlElement } from "./xml-element.js";

export const XmlElementScalar = defineScalar<XmlElement, string>({
  name: "XmlElement",
  description:
    "One XML element as text, e.g. `<message to='alice@localhost'><body>Hi</body></message>`. " +
    "Input must be a single well-formed element: no DTD, comments, processing instructions " +
    "or entities beyond the predefined ones; at most 64 KiB and 64 levels deep.",
  coerce: (input) => {
    if (typeof input !== "string") return reject(erlangBinary("expected <"));
    try {
      return accept(parseXmlElement(input));
    } catch (error) {
      if (error instanceof XmlParseError) return reject(erlangBinary(error.reason));
      throw error;
    }
  },
  serialize: (output) => {
    if (output instanceof XmlElement) return output.toString();
    if (typeof output === "string") return output;
    throw new TypeError("XmlElement cannot represent this value");
  },
});
