import { GraphQLError, Kind, print, type ASTNode } from "graphql";
import { erlangBinary, INPUT_COERCION } from "../scalars/coercion-error.js";

/*
 * MongooseIM answers requests refused before execution with HTTP 400/401 and a code
 * per failure. graphql-js and yoga report the same failures with their own messages;
 * this is the one table that gives them MongooseIM's codes.
 */

// graphql-js lexer messages (a token could not be read) versus parser messages.
const SCANNER_MESSAGES = [
  "Unexpected character",
  "Unterminated string",
  "Invalid number",
  "Invalid character escape sequence",
  "Invalid Unicode escape sequence",
  "Invalid character within String",
  "Unexpected single quote character",
];

const VALIDATION_CODES: ReadonlyArray<[RegExp, string]> = [
  [/^Cannot query field /, "unknown_field"],
  [/^Unknown argument /, "excess_args"],
  [/^Field ".*" argument ".*" of type ".*" is required/, "missing_non_null_param"],
  [/^Variable ".*" of required type ".*" was not provided/, "missing_non_null_param"],
  [/^Variable ".*" of non-null type ".*" must not be null/, "missing_non_null_param"],
  [/^Value .* does not exist in ".*" enum/, "unknown_enum"],
  [/^Enum ".*" cannot represent/, "unknown_enum"],
  [/^Variable ".*" is not defined/, "unbound_variable"],
  [/^Field ".*" is not defined by type/, "excess_fields_in_object"],
  [/^There can be only one operation named/, "not_unique"],
  [/^Unknown operation named /, "operation_not_found"],
  [/^Must provide operation name/, "operation_not_found"],
  [/^Unknown type /, "unknown_type"],
  [/^Unknown fragment /, "unknown_fragment"],
];

// A literal in the query text that a built-in scalar refuses (`id(value: 12)` for a
// String): graphql-js reports it as a validation error, MongooseIM as input_coercion.
const BUILT_IN_LITERAL = /^(String|Int|Float|Boolean|ID) cannot represent /;

/** Which MongooseIM code a pre-execution GraphQL error gets; `undefined` when it has one. */
// Codes graphql-yoga puts on request errors. The pipeline no longer runs yoga, but an
// envelop/yoga plugin may still raise such errors; they get MongooseIM's codes.
const YOGA_CODES = new Set(["BAD_REQUEST", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);

export function requestErrorCode(error: GraphQLError): string | undefined {
  const existing = error.extensions?.code;
  if (typeof existing === "string" && !YOGA_CODES.has(existing)) return undefined;
  const message = error.message;
  if (/^Syntax Error: Document contains more tha[nt] \d+ tokens/.test(message)) return "too_many_tokens";
  if (message.startsWith("Syntax Error:")) {
    const reason = message.slice("Syntax Error:".length).trim();
    return SCANNER_MESSAGES.some((m) => reason.startsWith(m)) ? "scanner_error" : "parser_error";
  }
  if (/invalid JSON/i.test(message) && /POST body|body/i.test(message)) return "invalid_json_body";
  if (/^Variables are invalid JSON/i.test(message)) return "variables_invalid_json";
  if (/^Must provide query string/i.test(message)) return "no_query_supplied";
  if (/^Variable ".*" got invalid value/.test(message) || /^Expected value of type /.test(message)) return "type_mismatch";
  if (BUILT_IN_LITERAL.test(message)) return INPUT_COERCION;
  for (const [pattern, code] of VALIDATION_CODES) if (pattern.test(message)) return code;
  return "validation_error";
}

/** MongooseIM's message for a syntax error: `Cannot parse line N because of <reason>`. */
function syntaxMessage(error: GraphQLError, code: string): string {
  const line = error.locations?.[0]?.line ?? 1;
  const reason = error.message.slice("Syntax Error:".length).trim();
  return `Cannot ${code === "scanner_error" ? "scan" : "parse"} line ${line} because of ${reason}`;
}

/**
 * MongooseIM's wording for a refused literal, `Input coercion failed for type String with
 * value 12. The reason it failed is: …`, the value printed as the client wrote it (a
 * string as an Erlang binary) and graphql-js's explanation as the reason.
 */
function literalCoercionMessage(error: GraphQLError): string {
  const type = BUILT_IN_LITERAL.exec(error.message)?.[1] ?? "String";
  const node: ASTNode | undefined = error.nodes?.[0];
  const value = node?.kind === Kind.STRING ? erlangBinary(node.value) : node ? print(node) : "?";
  return `Input coercion failed for type ${type} with value ${value}. The reason it failed is: ${error.message}`;
}

const FIXED_MESSAGES: Readonly<Record<string, string>> = {
  too_many_tokens: "The document has more tokens than this server accepts",
  invalid_json_body: "The request JSON body is invalid",
  variables_invalid_json: "The variables' JSON is invalid",
  no_query_supplied: "The query was not supplied in the request body",
};

/**
 * Gives a pre-execution error MongooseIM's code, message (for the fixed ones) and
 * HTTP 400, keeping whatever else it had (locations). Errors that already carry a code
 * (our scalars' `input_coercion`, auth errors) keep it, and get 400 if they have no status.
 */
export function toRequestError(error: GraphQLError): GraphQLError {
  const code = requestErrorCode(error);
  // yoga attaches the underlying exception in development; it is noise for clients.
  const { originalError: _o, ...kept } = (error.extensions ?? {}) as Record<string, unknown>;
  // yoga marks spec-defined errors `http.spec`, which makes it answer 200 to
  // application/json clients; MongooseIM answers 400, so only the status is kept.
  const http = { status: (kept.http as { status?: number } | undefined)?.status };
  if (code === undefined) {
    // graphql-js prefixes a variable's coercion error with `Variable "$x" got invalid
    // value …;`; MongooseIM sends the scalar's own message alone.
    const message = error.extensions?.code === "input_coercion" && error.originalError ? error.originalError.message : error.message;
    if (http.status !== undefined && message === error.message && !(kept.http as { spec?: boolean }).spec) return error;
    return new GraphQLError(message, {
      nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError,
      extensions: { ...kept, http: { status: http.status ?? 400 } },
    });
  }
  const message = code === "parser_error" || code === "scanner_error" ? syntaxMessage(error, code)
    : code === INPUT_COERCION ? literalCoercionMessage(error) : FIXED_MESSAGES[code] ?? error.message;
  return new GraphQLError(message, {
    nodes: error.nodes, source: error.source, positions: error.positions,
    extensions: { ...kept, code, http: { status: http.status && http.status !== 200 ? http.status : 400 } },
  });
}
