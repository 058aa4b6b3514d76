/**
 * MongooseIM groups operations under namespace objects (`roster`, `stanza`, …) that carry
 * no data of their own. Their resolvers all return this one frozen marker.
 */
export type Namespace = Readonly<Record<string, never>>;

/** The value every namespace field (`Query.roster`, `Mutation.stanza`, …) resolves to. */
export const NAMESPACE: Namespace = Object.freeze({});
