import { GraphQLError } from "graphql";
import { RequestRefused } from "./operation.js";

/** A GraphQL request as a transport received it, before any check. */
export interface RawParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/** A GraphQL request whose parameters have the right shapes. */
export interface GraphQLParams {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

const refused = (message: string, code: string) =>
  new RequestRefused(400, [new GraphQLError(message, { extensions: { code, http: { status: 400 } } })]);

/**
 * Checks the parameters every transport carries (JSON body, query string, form body,
 * graphql-ws payload). `variables` and `extensions` may come as JSON text (query strings).
 * @throws RequestRefused 400 `no_query_supplied`, `variables_invalid_json` or
 *         `invalid_query_parameters`, MongooseIM's codes for these.
 */
export function readParams(raw: RawParams): GraphQLParams {
  const { query, operationName } = raw;
  let extensions: unknown;
  try {
    extensions = fromJsonText(raw.extensions);
  } catch {
    throw refused("The extensions must be a JSON object", "invalid_query_parameters");
  }
  if (extensions !== undefined && extensions !== null && (typeof extensions !== "object" || Array.isArray(extensions))) {
    throw refused("The extensions must be a JSON object", "invalid_query_parameters");
  }
  if (typeof query !== "string" || query === "") throw refused("The query was not supplied in the request body", "no_query_supplied");
  let variables: unknown;
  try {
    variables = fromJsonText(raw.variables);
  } catch {
    throw refused("The variables' JSON is invalid", "variables_invalid_json");
  }
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
    throw refused("The variables' JSON is invalid", "variables_invalid_json");
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw refused("The operationName must be a string", "invalid_query_parameters");
  }
  return {
    query,
    variables: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName || undefined,
  };
}

function fromJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  return value === "" ? undefined : JSON.parse(value);
}

/**
 * The parameters of a URL's query string (GET, SSE), refusing one that does not parse
 * (e.g. `?=x`), as MongooseIM does.
 * @throws RequestRefused 400 `invalid_query_parameters`.
 */
export function paramsFromUrl(url: string): RawParams {
  let search: URLSearchParams;
  try {
    search = new URL(url, "http://gateway").searchParams;
  } catch {
    throw refused("The query string is invalid", "invalid_query_parameters");
  }
  return paramsFromSearch(search);
}

/** The parameters of an `application/x-www-form-urlencoded` body. @throws like {@link paramsFromUrl}. */
export function paramsFromForm(body: string): RawParams {
  return paramsFromSearch(new URLSearchParams(body));
}

function paramsFromSearch(search: URLSearchParams): RawParams {
  if ([...search.keys()].some((k) => k === "")) throw refused("The query string is invalid", "invalid_query_parameters");
  const get = (name: string) => search.get(name) ?? undefined;
  return { query: get("query"), variables: get("variables"), operationName: get("operationName"), extensions: get("extensions") };
}
