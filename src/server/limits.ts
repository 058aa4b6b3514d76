import { GraphQLError, parse, type ParseOptions, type Source, type ValidationContext, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
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
}

/** MongooseIM has no codes for these; ours, one per limit, all HTTP 400. */
export const TOO_MANY_TOKENS = "too_many_tokens";

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
 */
export function limitRules(limits: DocumentLimits): ValidationRule[] {
  // Built once per configuration: graphql-armor's rule factories are not free, and the
  // graphql-ws and SSE paths validate on every subscribe.
  const cached = builtRules.get(limits);
  if (cached) return cached;
  const rules = buildRules(limits);
  builtRules.set(limits, rules);
  return rules;
}

const builtRules = new WeakMap<DocumentLimits, ValidationRule[]>();

function buildRules(limits: DocumentLimits): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true } as const;
  return [
    maxDepthRule({ ...common, n: limits.maxDepth, onReject: [reporter("query_too_deep")] }),
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [reporter("too_many_aliases")] }),
    costLimitRule({ ...common, maxCost: limits.maxCost, onReject: [reporter("query_too_costly")] }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [reporter("too_many_directives")] }),
  ] as ValidationRule[];
}

/** graphql-js's own token cap: parsing stops once the document has too many tokens. */
export function parseWithLimit(source: string | Source, limits: DocumentLimits, options?: ParseOptions) {
  return parse(source, { ...options, maxTokens: limits.maxTokens });
}

/** Applies the same limits to yoga's parse and validate steps. */
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
