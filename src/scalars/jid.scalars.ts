import type { GraphQLScalarType } from "graphql";
import { accept, defineScalar, reject, serializeString, type Coercion } from "./define-scalar.js";
import { JidError, formatJid, parseBareJid, parseUserJid, type Jid } from "../xmpp/jid.js";
import { nameprep, nodeprep, resourceprep } from "../xmpp/stringprep.js";

/** The JID and JID-part scalars: inputs come out normalised, outputs pass through. */

function jidScalar(name: string, description: string, parse: (text: string) => Jid): GraphQLScalarType<string, string> {
  return defineScalar({
    name,
    description,
    coerce: (input) => {
      if (typeof input !== "string") return reject("failed_to_parse_jid");
      try {
        return accept(formatJid(parse(input)));
      } catch (error) {
        if (error instanceof JidError) return reject(error.reason);
        throw error;
      }
    },
    serialize: serializeString(name),
  });
}

function partScalar(
  name: string,
  description: string,
  prep: (text: string) => string | null,
  reasons: { readonly empty: string; readonly invalid: string },
): GraphQLScalarType<string, string> {
  return defineScalar({
    name,
    description,
    coerce: (input): Coercion<string> => {
      if (typeof input !== "string") return reject(reasons.invalid);
      if (input === "") return reject(reasons.empty);
      const prepared = prep(input);
      return prepared === null ? reject(reasons.invalid) : accept(prepared);
    },
    serialize: serializeString(name),
  });
}

export const JIDScalar = jidScalar(
  "JID",
  "An XMPP address with a local part, `local@domain` or `local@domain/resource`; normalised on input.",
  parseUserJid,
);

export const BareJIDScalar = jidScalar(
  "BareJID",
  "An XMPP address without a resource, `local@domain`; normalised on input.",
  parseBareJid,
);

// MongooseIM's user API names the caller by bare JID (checkAuth.username), so a user name
// is validated as one rather than as a lone local part.
export const UserNameScalar = jidScalar(
  "UserName",
  "A user, named by bare JID `local@domain`; normalised on input.",
  parseBareJid,
);

export const DomainNameScalar = partScalar(
  "DomainName",
  "The domain part of a JID, lower-cased and normalised on input.",
  nameprep,
  { empty: "empty_domain_name", invalid: "failed_to_parse_domain_name" },
);

export const RoomNameScalar = partScalar(
  "RoomName",
  "The local part of a room's JID, lower-cased and normalised on input.",
  nodeprep,
  { empty: "empty_room_name", invalid: "failed_to_parse_room_name" },
);

export const ResourceNameScalar = partScalar(
  "ResourceName",
  "The resource part of a full JID (a session or an occupant nickname); normalised on input, case kept.",
  resourceprep,
  { empty: "empty_resource_name", invalid: "failed_to_parse_resource_name" },
);
