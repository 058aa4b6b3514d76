/**
 * Records, per test, which API operations it called on which server and how each call
 * ended. The README's compatibility matrix is generated from these records (see
 * test/support/compat-reporter.ts and scripts/compat-matrix.ts), so the matrix says what
 * the test run saw rather than what someone remembered to write down.
 *
 * An operation is a namespace field (`Query.roster.listContacts`) or a root field that is
 * not a namespace (`Query.checkAuth`). Calls made outside a test (in hooks) are not
 * recorded: only a test's own calls are tied to that test passing or failing.
 */
import { Kind, parse, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import { getCurrentTest } from "vitest/suite";
import type { SandboxKind } from "../../scripts/sandbox/xmpp-sandbox.js";

/** One operation call as a test saw it: `ok`, or the error code the operation answered. */
export interface CompatCall {
  server: SandboxKind;
  operation: string;
  outcome: "ok" | { code: string };
}

declare module "vitest" {
  interface TaskMeta {
    compat?: CompatCall[];
  }
}

const ROOT_TYPE = { query: "Query", mutation: "Mutation", subscription: "Subscription" } as const;

/** Each gateway's base URL → the server behind it, so a subscription helper given only a URL can record too. */
const serverOfGateway = new Map<string, SandboxKind>();

export function registerGateway(url: string, server: SandboxKind): void {
  serverOfGateway.set(url, server);
}

export function serverOf(url: string): SandboxKind | undefined {
  return serverOfGateway.get(url);
}

/** One operation a document selects, with the response key (alias) its result sits under. */
interface SelectedOperation {
  operation: string;
  path: [string, string] | [string];
}

/**
 * The operations a request selects. Namespace fields (object types such as `roster`) count
 * by their inner fields; `__typename` and introspection are not operations. Fragments are
 * not followed: the tests write operations out.
 */
export function selectedOperations(query: string): SelectedOperation[] {
  let document;
  try {
    document = parse(query);
  } catch {
    return [];
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  // With several operations the request names the one to run; tests send one.
  const chosen = operations.length === 1 ? operations[0] : undefined;
  if (!chosen) return [];
  const root = ROOT_TYPE[chosen.operation];
  const selected: SelectedOperation[] = [];
  for (const field of fieldsOf(chosen.selectionSet)) {
    const name = field.name.value;
    if (name.startsWith("__")) continue;
    const key = field.alias?.value ?? name;
    if (!field.selectionSet || name === "checkAuth") {
      selected.push({ operation: `${root}.${name}`, path: [key] });
      continue;
    }
    for (const inner of fieldsOf(field.selectionSet)) {
      if (inner.name.value.startsWith("__")) continue;
      selected.push({ operation: `${root}.${name}.${inner.name.value}`, path: [key, inner.alias?.value ?? inner.name.value] });
    }
  }
  return selected;
}

function fieldsOf(set: SelectionSetNode) {
  return set.selections.filter((s) => s.kind === Kind.FIELD);
}

interface ResultBody {
  data?: unknown;
  errors?: ReadonlyArray<{ path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
}

/**
 * Records how each operation of `query` ended in `body`. A request refused as a whole
 * (no `data`: bad JSON, validation, authentication) says nothing about an operation and
 * is not recorded.
 */
export function recordResult(server: SandboxKind | undefined, query: string, body: ResultBody): void {
  recordInto(getCurrentTest(), server, query, body);
}

/**
 * For streams: ties the first result that carries data to the test that opened the
 * stream (its events arrive in callbacks, and a late one must not land on a later test).
 */
export function firstResultRecorder(server: SandboxKind | undefined, query: string): (body: ResultBody) => void {
  const test = getCurrentTest();
  let recorded = false;
  return (body) => {
    if (recorded || body?.data == null) return;
    recorded = true;
    recordInto(test, server, query, body);
  };
}

function recordInto(test: ReturnType<typeof getCurrentTest>, server: SandboxKind | undefined, query: string, body: ResultBody): void {
  if (!test || !server || body.data == null || typeof body.data !== "object") return;
  const calls = (test.meta.compat ??= []);
  for (const { operation, path } of selectedOperations(query)) {
    // A value means the operation answered, even when some list items carry errors
    // (deleteContacts reports per contact); null with an error under its path is a failure.
    const value = path.reduce<unknown>((v, key) => (v == null ? v : (v as Record<string, unknown>)[key]), body.data);
    const error = value == null ? body.errors?.find((e) => path.every((key, i) => e.path?.[i] === key)) : undefined;
    const code = error?.extensions?.code;
    calls.push({ server, operation, outcome: error ? { code: typeof code === "string" ? code : "uncoded" } : "ok" });
  }
}
