import { GraphQLObjectType, type GraphQLSchema } from "graphql";
import type { Resolvers } from "../generated/graphql.js";
import { notImplemented } from "../errors/api-error.js";
import { NAMESPACE } from "./namespace.js";

/**
 * The root resolvers: every namespace field (`Query.roster`, `Mutation.stanza`, …)
 * resolves to the namespace marker; `checkAuth` reports the caller.
 */
export const rootResolvers: Resolvers = {
  UserQuery: {
    account: () => NAMESPACE,
    checkAuth: (_root, _args, { caller }) =>
      caller ? { username: caller.jid, authStatus: "AUTHORIZED" } : { username: null, authStatus: "UNAUTHORIZED" },
    last: () => NAMESPACE,
    muc: () => NAMESPACE,
    muc_light: () => NAMESPACE,
    session: () => NAMESPACE,
    stanza: () => NAMESPACE,
    roster: () => NAMESPACE,
    vcard: () => NAMESPACE,
    private: () => NAMESPACE,
    presence: () => NAMESPACE,
    blocking: () => NAMESPACE,
    conversations: () => NAMESPACE,
  },
  UserMutation: {
    account: () => NAMESPACE,
    inbox: () => NAMESPACE,
    last: () => NAMESPACE,
    muc: () => NAMESPACE,
    muc_light: () => NAMESPACE,
    stanza: () => NAMESPACE,
    roster: () => NAMESPACE,
    vcard: () => NAMESPACE,
    private: () => NAMESPACE,
    httpUpload: () => NAMESPACE,
    token: () => NAMESPACE,
    presence: () => NAMESPACE,
    blocking: () => NAMESPACE,
    chat: () => NAMESPACE,
    conversations: () => NAMESPACE,
  },
};

const ROOTS = new Set(["UserQuery", "UserMutation", "UserSubscription"]);
const NOT_IMPLEMENTED = new WeakSet<object>();

/** Whether a field's resolver is the not_implemented fallback (for tests and checks). */
export function isNotImplemented(resolve: unknown): boolean {
  return typeof resolve === "function" && NOT_IMPLEMENTED.has(resolve);
}

/**
 * Every operation field (a field of a namespace type) without a resolver of its own
 * answers `not_implemented` naming the field, so nothing unfinished looks like a success.
 */
export function addNotImplementedResolvers(schema: GraphQLSchema): void {
  const namespaceTypes = new Set<string>();
  for (const root of ROOTS) {
    const type = schema.getType(root);
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const field of Object.values(type.getFields())) {
      // Namespace types are MongooseIM's `<Domain>User{Query,Mutation,Subscription}`.
      const named = field.type instanceof GraphQLObjectType ? field.type : undefined;
      if (named && /User(Query|Mutation|Subscription)$/.test(named.name)) namespaceTypes.add(named.name);
    }
  }
  // A subscription namespace without a stream of its own gets a stream of one event, so
  // that its operation fields answer the same coded not_implemented (with a path) as
  // queries do, instead of graphql-js's "must return Async Iterable".
  const subscription = schema.getSubscriptionType();
  for (const field of Object.values(subscription?.getFields() ?? {})) {
    if (field.subscribe) continue;
    const once = async function* () {
      yield NAMESPACE;
    };
    NOT_IMPLEMENTED.add(once);
    field.subscribe = once;
    field.resolve = () => NAMESPACE;
  }
  for (const name of namespaceTypes) {
    const type = schema.getType(name) as GraphQLObjectType;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve || field.subscribe) continue;
      const label = `${name}.${field.name}`;
      const fallback = () => {
        throw notImplemented(label);
      };
      NOT_IMPLEMENTED.add(fallback);
      field.resolve = fallback;
    }
  }
}
