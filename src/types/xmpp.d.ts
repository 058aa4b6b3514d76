// Type declarations for the parts of xmpp.js (0.14, untyped JavaScript) that this project uses.

declare module "@xmpp/xml" {
  export type Node = Element | string;
  export class Element {
    constructor(name: string, attrs?: Record<string, string | undefined>);
    name: string;
    attrs: Record<string, string | undefined>;
    children: Node[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getName(): string;
    getNS(): string | undefined;
    getAttr(name: string, xmlns?: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getText(): string;
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    text(value: string): Element;
    attr(name: string): string | undefined;
    attr(name: string, value: string | undefined): Element;
    c(name: string, attrs?: Record<string, string | undefined>): Element;
    t(text: string): Element;
    up(): Element;
    root(): Element;
    append(...nodes: Node[]): Element;
    cnode(child: Element): Element;
    remove(el: Element | string, xmlns?: string): Element;
    toString(): string;
  }
  export type Child = Node | null | undefined | false | Child[];
  export function xml(name: string, attrs?: Record<string, string | undefined> | null, ...children: Child[]): Element;
  export function escapeXML(s: string): string;
  export function escapeXMLText(s: string): string;
  export class Parser {
    constructor();
    write(data: string): void;
    end(data?: string): void;
    on(event: "element" | "start" | "end" | "error", listener: (arg: Element | Error) => void): void;
  }
  export default xml;
}

declare module "@xmpp/jid" {
  export class JID {
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(): string;
    getLocal(): string;
    getDomain(): string;
    getResource(): string;
    equals(other: JID): boolean;
  }
  export function jid(local: string, domain?: string, resource?: string): JID;
  export function jid(address: string): JID;
  export default jid;
}

declare module "@xmpp/client-core" {
  import type { Element } from "@xmpp/xml";
  import type { JID } from "@xmpp/jid";
  import type { EventEmitter } from "node:events";
  import type { Socket } from "node:net";
  export class Client extends EventEmitter {
    constructor(options: { service: string; domain: string; lang?: string; timeout?: number });
    jid: JID | null;
    status: string;
    socket: (Socket & { secure?: boolean }) | null;
    transports: unknown[];
    options: { service: string; domain: string };
    timeout: number;
    start(): Promise<JID>;
    stop(): Promise<void>;
    send(element: Element): Promise<void>;
    disconnect(timeout?: number): Promise<void>;
    isSecure(): boolean;
    restart(): Promise<void>;
  }
  export { xml } from "@xmpp/xml";
  export { jid } from "@xmpp/jid";
}

declare module "@xmpp/middleware" {
  import type { Client } from "@xmpp/client-core";
  import type { Element } from "@xmpp/xml";
  export interface MiddlewareContext { stanza: Element; entity: Client; from: unknown; to: unknown; id: string; name: string; type: string }
  export type Middleware = (ctx: MiddlewareContext, next: () => Promise<unknown>) => unknown;
  export interface MiddlewareApi { use(fn: Middleware): void; filter(fn: Middleware): void }
  export default function middleware(args: { entity: Client }): MiddlewareApi;
}

declare module "@xmpp/stream-features" {
  import type { MiddlewareApi } from "@xmpp/middleware";
  import type { Client } from "@xmpp/client-core";
  import type { Element } from "@xmpp/xml";
  /** A stream-feature handler: the connection, the next handler, the feature's element. */
  export type FeatureHandler = (context: { entity: Client }, next: () => Promise<void>, element: Element) => unknown;
  export interface StreamFeaturesApi { use(name: string, xmlns: string, handler: FeatureHandler): void }
  export default function streamFeatures(args: { middleware: MiddlewareApi }): StreamFeaturesApi;
}

declare module "@xmpp/iq/caller.js" {
  import type { Client } from "@xmpp/client-core";
  import type { MiddlewareApi } from "@xmpp/middleware";
  import type { Element } from "@xmpp/xml";
  export interface IqCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
    get(child: Element, to?: string, timeout?: number): Promise<Element>;
    set(child: Element, to?: string, timeout?: number): Promise<Element>;
  }
  export default function iqCaller(args: { middleware: MiddlewareApi; entity: Client }): IqCaller;
}

declare module "@xmpp/iq/callee.js" {
  import type { Client } from "@xmpp/client-core";
  import type { MiddlewareApi } from "@xmpp/middleware";
  export interface IqCallee {
    get(ns: string, name: string, handler: (...args: any[]) => unknown): void;
    set(ns: string, name: string, handler: (...args: any[]) => unknown): void;
  }
  export default function iqCallee(args: { middleware: MiddlewareApi; entity: Client }): IqCallee;
}

declare module "@xmpp/tcp" {
  import type { Client } from "@xmpp/client-core";
  export default function tcp(args: { entity: Client }): void;
}

declare module "@xmpp/tls" {
  import type { Client } from "@xmpp/client-core";
  export default function tls(args: { entity: Client }): void;
}

declare module "@xmpp/starttls" {
  import type { StreamFeaturesApi } from "@xmpp/stream-features";
  export default function starttls(args: { streamFeatures: StreamFeaturesApi }): void;
}

declare module "@xmpp/resource-binding" {
  import type { StreamFeaturesApi } from "@xmpp/stream-features";
  import type { IqCaller } from "@xmpp/iq/caller.js";
  export default function resourceBinding(args: { streamFeatures: StreamFeaturesApi; iqCaller: IqCaller }, resource?: string): void;
}

declare module "@xmpp/error" {
  import type { Element } from "@xmpp/xml";
  export default class XMPPError extends Error {
    condition: string;
    text: string | undefined;
    application: Element | undefined;
    element: Element | undefined;
  }
}

declare module "@xmpp/client-core/lib/StanzaError.js";

declare module "@xmpp/client" {
  import type { Client } from "@xmpp/client-core";
  import type { IqCaller } from "@xmpp/iq/caller.js";
  export { xml, Element } from "@xmpp/xml";
  export interface FullClient extends Client {
    saslFactory: unknown;
    iqCaller: IqCaller;
  }
  export function client(options: { service: string; domain?: string; username?: string; password?: string; resource?: string }): FullClient;
}

declare module "@xmpp/starttls/starttls.js" {
  export function canUpgrade(socket: unknown): boolean;
  /** Wraps a connected TCP socket in TLS (node:tls.connect options) and resolves once it is secure. */
  export function upgrade(socket: unknown, options: Record<string, unknown>): Promise<unknown>;
}
