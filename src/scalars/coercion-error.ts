import { GraphQLError, type ASTNode } from "graphql";

/** `extensions.code` of every scalar rejection, as MongooseIM reports it. */
export const INPUT_COERCION = "input_coercion";

/**
 * A value printed verbatim inside an Erlang-style message: a GraphQL enum literal
 * (an atom for Erlang) or a number literal kept exactly as the client wrote it.
 */
export class RawTerm {
  constructor(readonly text: string) {}
}

/**
 * The error every custom scalar throws when it refuses an input. Message and extensions
 * copy MongooseIM's (clients match on them); `typeName` and `reason` stay available so the
 * server layer can restore the bare message after graphql-js prefixes variable errors with
 * `Variable "$x" got invalid value …;` (the original error is kept as `originalError`).
 */
export class InputCoercionError extends GraphQLError {
  constructor(
    readonly typeName: string,
    readonly value: unknown,
    readonly reason: string,
    node?: ASTNode,
  ) {
    super(
      `Input coercion failed for type ${typeName} with value ${formatErlangTerm(value)}. ` +
        `The reason it failed is: ${reason}`,
      { nodes: node, extensions: { code: INPUT_COERCION, http: { status: 400 } } },
    );
    this.name = "InputCoercionError";
  }
}

/**
 * Prints a coercion input the way MongooseIM's `~p` shows the decoded JSON term: a string as
 * an Erlang binary `<<"…">>`, a number as itself, a {@link RawTerm} verbatim, anything else
 * (boolean, object, list) as JSON.
 */
export function formatErlangTerm(value: unknown): string {
  if (typeof value === "string") return erlangBinary(value);
  if (typeof value === "number") return String(value);
  if (value instanceof RawTerm) return value.text;
  return JSON.stringify(value) ?? String(value);
}

/** `text` as an Erlang binary literal: `<<"text">>`. */
export function erlangBinary(text: string): string {
  // Erlang prints the empty binary as <<>>, not <<"">>.
  return text === "" ? "<<>>" : `<<${erlangString(text)}>>`;
}

/** `text` as an Erlang string literal: `"text"`, with Erlang's escapes. */
export function erlangString(text: string): string {
  return `"${text.replace(/[\\"\x00-\x1f\x7f]/g, escapeChar)}"`;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
  "\v": "\\v", "\b": "\\b", "\f": "\\f", "\x1b": "\\e", "\x7f": "\\d",
};

function escapeChar(char: string): string {
  return NAMED_ESCAPES[char] ?? `\\x{${char.charCodeAt(0).toString(16).toUpperCase()}}`;
}
