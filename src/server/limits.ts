import { GraphQLError, parse, type DocumentNode, type ParseOptions, type Source, type ValidationContext, type ValidationRule } from "graphql";
import type { Plugin } from "@envelop/core";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";

/** Abuse limits on GraphQL documents (configuration: MAX_QUERY_*). */
export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxCost: number;
  maxDirectives: number;
  /**
   * Size of the query text in bytes. The token limit does not count comments, so without
   * this a body-sized document of comments would be parsed (and its comment tokens kept).
   */
  maxBytes: number;
}

/** MongooseIM has no codes for these; ours, one per limit, all HTTP 400. */
export const TOO_MANY_TOKENS = "too_many_tokens";
export const QUERY_TOO_LARGE = "query_too_large";

function reporter(code: string) {
  // graphql-armor words its rejections as "Syntax Error: …"; clients get a code instead.
  return (context: ValidationContext | null, error: GraphQLError) =>
    context?.reportError(
      new GraphQLError(error.message.replace(/^Syntax Error: /, ""), { extensions: { code, http: { status: 400 } } }),
    );
}

/**
 * graphql-armor's validation rules (a well-kept library rather than hand-written checks)
 * for the limits, reporting each rejection as a validation error with its own code.
 * Build them once per configuration: graphql-armor's rule factories are not free.
 */
export function limitRules(limits: DocumentLimits): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  return [
    maxDepthRule({ ...common, n: limits.maxDepth, onReject: [reporter("query_too_deep")] }) as ValidationRule,
    introspectionDepthRule(limits.maxDepth),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reporter("too_many_aliases")] }) as ValidationRule,
    // A fragment spread is not a level of nesting: counted as one, it would multiply the
    // cost of every field a client moves into a fragment by the depth factor again.
    costLimitRule({ ...common, maxCost: limits.maxCost, flattenFragments: true, onReject: [reporter("query_too_costly")] }) as ValidationRule,
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reporter("too_many_directives")] }) as ValidationRule,
  ];
}

/**
 * The depth limit for `__schema` selections, which graphql-armor's depth rule skips.
 * Fragment spreads are not counted as a level here: GraphiQL's own introspection query
 * (field depth 15 through its TypeRef fragment) must still pass the default limit of 15.
 * It runs only on documents that mention `__schema`; the main rule covers the rest.
 */
function introspectionDepthRule(n: number): ValidationRule {
  const rule = maxDepthRule({
    propagateOnRejection: false, exposeLimits: true, n, ignoreIntrospection: false, flattenFragments: true,
    onReject: [reporter("query_too_deep")],
  }) as ValidationRule;
  return (context) => (mentionsSchemaIntrospection(context.getDocument()) ? rule(context) : {});
}

function mentionsSchemaIntrospection(document: DocumentNode): boolean {
  return document.loc?.source.body.includes("__schema") ?? true;
}

/**
 * Parses with the size cap and graphql-js's own token cap (parsing stops once the
 * document has too many tokens).
 * @throws GraphQLError `query_too_large` (400) or graphql-js's syntax errors.
 */
export function parseWithLimit(source: string | Source, limits: DocumentLimits, options?: ParseOptions): DocumentNode {
  const text = typeof source === "string" ? source : source.body;
  // A UTF-16 unit is at most three UTF-8 bytes: short texts need no exact count.
  if (text.length * 3 > limits.maxBytes && Buffer.byteLength(text) > limits.maxBytes) {
    throw new GraphQLError(`The document is larger than the ${limits.maxBytes} bytes this server accepts`, {
      extensions: { code: QUERY_TOO_LARGE, limit: limits.maxBytes, http: { status: 400 } },
    });
  }
  return parse(source, { ...options, maxTokens: limits.maxTokens });
}

/** Applies the limits to the pipeline's parse and validate steps. */
export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const rules = limitRules(limits);
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => parseWithLimit(source, limits, options));
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
