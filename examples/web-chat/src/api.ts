/**
 * The page's only way to the gateway: queries and mutations as JSON POSTs with fetch, the
 * event stream over graphql-ws. Credentials live in this closure (memory) and nowhere else.
 */
import { createClient } from "graphql-ws";
import type { TypedDocumentString } from "./gql/graphql";

export const GRAPHQL_PATH = "/api/graphql";

/** A GraphQL error answer, with MongooseIM's `extensions.code` (e.g. `not_implemented`). */
export class ApiFailure extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

export interface Api {
  request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R>;
  /** Opens the event stream; it reconnects by itself, each time resuming after `cursor()`. */
  stream<R, V extends { since?: string | null }>(
    document: TypedDocumentString<R, V>,
    handlers: StreamHandlers<R>,
  ): () => void;
}

export interface StreamHandlers<R> {
  /** The newest cursor seen: the stream resumes after it. */
  cursor(): string | undefined;
  next(data: R): void;
  error(failure: ApiFailure): void;
  /** Connection state, for the page's indicator. */
  status(state: "connecting" | "live" | "reconnecting"): void;
}

type Errors = Array<{ message: string; extensions?: { code?: string } }> | undefined;

const failureOf = (errors: NonNullable<Errors>) =>
  new ApiFailure(errors.map((e) => e.message).join("; "), errors[0]?.extensions?.code ?? "unknown");

/** An API bound to one Authorization header value (`Basic …` or `Bearer …`). */
export function createApi(authorization: string, base = location.origin): Api {
  return {
    async request(document, variables) {
      const response = await fetch(base + GRAPHQL_PATH, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization },
        body: JSON.stringify({ query: document.toString(), variables }),
      });
      const result = (await response.json()) as { data?: never; errors?: Errors };
      // Any error fails the whole call: the page never shows half an answer as if it were whole.
      if (result.errors?.length) throw failureOf(result.errors);
      return result.data as never;
    },

    stream<R, V extends { since?: string | null }>(document: TypedDocumentString<R, V>, handlers: StreamHandlers<R>) {
      // graphql-ws sends this payload again after every reconnect; refreshing `since` just
      // before it goes makes each new subscription resume after the last event received.
      const variables = { since: handlers.cursor() ?? null };
      const client = createClient({
        url: base.replace(/^http/, "ws") + GRAPHQL_PATH,
        connectionParams: () => ({ Authorization: authorization }),
        // Network drops, gateway restarts: try again forever, with graphql-ws's backoff; but
        // not with credentials the gateway refused (4403: an expired token, a changed password).
        retryAttempts: Number.POSITIVE_INFINITY,
        shouldRetry: (event) => closeCodeOf(event) !== REFUSED,
        keepAlive: 10_000,
        on: {
          connecting: (isRetry) => handlers.status(isRetry ? "reconnecting" : "connecting"),
          connected: () => {
            variables.since = handlers.cursor() ?? null;
            handlers.status("live");
          },
          closed: () => handlers.status("reconnecting"),
        },
      });
      const stop = client.subscribe<R>({ query: String(document), variables }, {
        next: (result) => {
          if (result.errors?.length) return handlers.error(failureOf(result.errors as NonNullable<Errors>));
          handlers.next(result.data as R);
        },
        error: (error) => handlers.error(closeCodeOf(error) === REFUSED
          ? new ApiFailure("the gateway no longer accepts this login", "wrong_credentials")
          : new ApiFailure(describe(error), "stream_failed")),
        complete: () => undefined,
      });
      return () => {
        stop();
        void client.dispose();
      };
    },
  };
}

/** The close code graphql-ws's server uses when it refuses the credentials. */
const REFUSED = 4403;

const closeCodeOf = (event: unknown) =>
  event && typeof event === "object" && "code" in event ? (event as { code: unknown }).code : undefined;

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message).join("; ");
  if (closeCodeOf(error) !== undefined) return `connection closed (${String(closeCodeOf(error))})`;
  return String(error);
}
