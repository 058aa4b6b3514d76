import { GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from "graphql";
import { InputCoercionError, RawTerm } from "./coercion-error.js";

/** Outcome of checking one input: the internal value, or MongooseIM's reason (already printed). */
export type Coercion<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** An accepted input. */
export const accept = <T>(value: T): Coercion<T> => ({ ok: true, value });
/** A refused input, with the reason as it must appear in the message. */
export const reject = <T = never>(reason: string): Coercion<T> => ({ ok: false, reason });

/** What one custom scalar does; {@link defineScalar} turns it into a GraphQLScalarType. */
export interface ScalarSpec<TInternal, TExternal> {
  readonly name: string;
  readonly description: string;
  /** Checks and normalises an input; gets JSON values (variables) and literal values alike. */
  readonly coerce: (input: unknown) => Coercion<TInternal>;
  /**
   * Turns a resolver's value into the response value. Throws a plain `TypeError` for a value
   * no resolver should produce: that is a bug, and the server masks and logs it.
   */
  readonly serialize: (output: unknown) => TExternal;
}

/**
 * Builds a scalar whose `parseValue` and `parseLiteral` share one `coerce` check, both
 * throwing {@link InputCoercionError} on refusal.
 */
export function defineScalar<TInternal, TExternal>(
  spec: ScalarSpec<TInternal, TExternal>,
): GraphQLScalarType<TInternal, TExternal> {
  const parse = (input: unknown, printed: unknown, node?: ValueNode): TInternal => {
    const result = spec.coerce(input);
    if (!result.ok) throw new InputCoercionError(spec.name, printed, result.reason, node);
    return result.value;
  };
  return new GraphQLScalarType<TInternal, TExternal>({
    name: spec.name,
    description: spec.description,
    serialize: spec.serialize,
    parseValue: (input) => parse(input, input),
    parseLiteral: (node, variables) => {
      switch (node.kind) {
        case Kind.STRING:
          return parse(node.value, node.value, node);
        case Kind.INT:
        case Kind.FLOAT:
          return parse(Number(node.value), new RawTerm(node.value), node);
        case Kind.ENUM:
          // An unquoted name is not a string: `JID: alice` must not pass as "alice".
          return parse(new RawTerm(node.value), new RawTerm(node.value), node);
        default: {
          const value = valueFromASTUntyped(node, variables);
          return parse(value, value, node);
        }
      }
    },
  });
}

/** A `serialize` for string scalars: strings pass through unchanged. */
export function serializeString(name: string): (output: unknown) => string {
  return (output) => {
    if (typeof output === "string") return output;
    throw new TypeError(`${name} cannot represent a non-string value`);
  };
}
