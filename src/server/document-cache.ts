import type { DocumentNode, Source } from "graphql";
import type { Plugin } from "@envelop/core";

// What one token of a parsed document costs in memory (the Token object and its share
// of the AST node pointing at it), measured roughly on V8; comments are tokens too.
const BYTES_PER_TOKEN = 120;
const BYTES_PER_ENTRY = 256;

/**
 * Documents that parsed and validated, by query text, least recently used first out,
 * bounded by an estimate of the memory they hold (the text, two bytes a character,
 * plus every token the lexer kept, comments included). Clients send the same few
 * documents again and again; parsing and validating each time was a large part of a
 * request's CPU. Owned by one pipeline: its schema and rules are fixed.
 */
export class DocumentCache {
  private readonly entries = new Map<string, { document: DocumentNode; bytes: number }>();
  private readonly valid = new WeakSet<DocumentNode>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes currently charged to the cached documents. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached document for this text, now the most recently used. */
  get(query: string): DocumentNode | undefined {
    const hit = this.entries.get(query);
    if (!hit) return undefined;
    this.entries.delete(query);
    this.entries.set(query, hit);
    return hit.document;
  }

  /** Whether this very document object is one that validated. */
  isValid(document: DocumentNode): boolean {
    return this.valid.has(document);
  }

  /** Keeps a document that validated, evicting the least recently used to stay in budget. */
  add(query: string, document: DocumentNode): void {
    const bytes = documentBytes(query, document);
    if (bytes > this.maxBytes || this.entries.has(query)) return;
    this.entries.set(query, { document, bytes });
    this.valid.add(document);
    this.used += bytes;
    for (const [key, entry] of this.entries) {
      if (this.used <= this.maxBytes) break;
      this.entries.delete(key);
      this.used -= entry.bytes;
    }
  }
}

/** An estimate of the memory a parsed document keeps alive, its text included. */
export function documentBytes(query: string, document: DocumentNode): number {
  let tokens = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) tokens += 1;
  return BYTES_PER_ENTRY + query.length * 2 + tokens * BYTES_PER_TOKEN;
}

/**
 * The pipeline's document cache as an envelop plugin: a known text skips parsing, a
 * known document skips validation, and a document that validated is kept. Other
 * plugins' parse/validate hooks still run on every request.
 */
export function useDocumentCache(cache: DocumentCache): Plugin {
  const texts = new WeakMap<DocumentNode, string>();
  return {
    onParse({ params, setParsedDocument }) {
      const query = sourceText(params.source);
      const hit = cache.get(query);
      if (hit) return setParsedDocument(hit);
      return ({ result }) => {
        if (result && !(result instanceof Error)) texts.set(result as DocumentNode, query);
      };
    },
    onValidate({ params, setResult }) {
      const document = params.documentAST;
      if (cache.isValid(document)) return setResult([]);
      return ({ valid }) => {
        const query = texts.get(document);
        if (valid && query !== undefined) cache.add(query, document);
      };
    },
  };
}

function sourceText(source: string | Source): string {
  return typeof source === "string" ? source : source.body;
}
