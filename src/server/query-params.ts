import { GraphQLError } from "graphql";

/** The GraphQL request carried in a query string (GET and SSE). */
export interface QueryParams {
  query: string | null;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

const requestError = (message: string, code: string) =>
  new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Reads `query`, `variables` and `operationName` from a URL's query string, refusing
 * what MongooseIM refuses: a query string that does not parse (e.g. `?=x`) and
 * `variables` that are not a JSON object.
 * @throws GraphQLError `invalid_query_parameters` or `variables_invalid_json` (HTTP 400).
 */
export function readQueryParams(url: string): QueryParams {
  let search: URLSearchParams;
  try {
    search = new URL(url, "http://gateway").searchParams;
  } catch {
    throw requestError("The query string is invalid", "invalid_query_parameters");
  }
  if ([...search.keys()].some((k) => k === "")) throw requestError("The query string is invalid", "invalid_query_parameters");
  const rawVariables = search.get("variables");
  let variables: Record<string, unknown> | undefined;
  if (rawVariables !== null && rawVariables !== "" && rawVariables !== "null") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawVariables);
    } catch {
      throw requestError("The variables' JSON is invalid", "variables_invalid_json");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw requestError("The variables' JSON is invalid", "variables_invalid_json");
    }
    variables = parsed as Record<string, unknown>;
  }
  return { query: search.get("query"), variables, operationName: search.get("operationName") ?? undefined };
}

/** Like {@link readQueryParams}, and the query must be there. @throws GraphQLError `no_query_supplied`. */
export function requireQuery(params: QueryParams): QueryParams & { query: string } {
  if (!params.query) throw requestError("The query was not supplied in the request body", "no_query_supplied");
  return params as QueryParams & { query: string };
}
