import type { Resolvers } from "../generated/graphql.js";
import { DateTimeScalar } from "./date-time.scalar.js";
import { NonNegIntScalar, PosIntScalar } from "./integers.scalars.js";
import {
  BareJIDScalar,
  DomainNameScalar,
  JIDScalar,
  ResourceNameScalar,
  RoomNameScalar,
  UserNameScalar,
} from "./jid.scalars.js";
import { NonEmptyStringScalar } from "./non-empty-string.scalar.js";
import { XmlElementScalar } from "./xml-element.scalar.js";

/**
 * The schema's custom scalars, keyed by name, ready to merge into the resolver map.
 * Protocol code wanting the checks without GraphQL imports the pure modules instead:
 * ./jid.js, ./stringprep.js, ./date-time.js, ./xml-element.js.
 */
export const scalarResolvers = {
  JID: JIDScalar,
  BareJID: BareJIDScalar,
  DomainName: DomainNameScalar,
  UserName: UserNameScalar,
  RoomName: RoomNameScalar,
  ResourceName: ResourceNameScalar,
  DateTime: DateTimeScalar,
  PosInt: PosIntScalar,
  NonNegInt: NonNegIntScalar,
  NonEmptyString: NonEmptyStringScalar,
  XmlElement: XmlElementScalar,
} satisfies Required<
  Pick<
    Resolvers,
    | "JID" | "BareJID" | "DomainName" | "UserName" | "RoomName" | "ResourceName"
    | "DateTime" | "PosInt" | "NonNegInt" | "NonEmptyString" | "XmlElement"
  >
>;

export { InputCoercionError, INPUT_COERCION } from "./coercion-error.js";
