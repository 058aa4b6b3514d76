import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { OperationInfo, Telemetry } from "../telemetry/telemetry.js";

/*
 * What the access line of one HTTP request needs that only its adapter and the pipeline
 * learn: the request id (the client's `x-request-id` when it sent a sane one, else a new
 * one) and the operation. The router opens a record per request; records live as long as
 * their request object (a WeakMap owned by the app).
 */

export interface RequestRecord {
  readonly requestId: string;
  operation?: OperationInfo;
}

/** Records and the telemetry the transports report to. */
export interface RequestObserver {
  readonly telemetry: Telemetry;
  /** Opens the record of a request (the router does, once). */
  open(req: IncomingMessage): RequestRecord;
  /** The record of a request; one is opened when the router did not (a direct call in a test). */
  of(req: IncomingMessage): RequestRecord;
}

// Ids a client may choose: printable, short, no spaces (they end up in log lines).
const CLIENT_ID = /^[\w.:@/+=-]{1,128}$/;

export function createRequestObserver(telemetry: Telemetry): RequestObserver {
  const records = new WeakMap<IncomingMessage, RequestRecord>();
  const open = (req: IncomingMessage): RequestRecord => {
    const sent = req.headers["x-request-id"];
    const record: RequestRecord = { requestId: typeof sent === "string" && CLIENT_ID.test(sent) ? sent : randomUUID() };
    records.set(req, record);
    return record;
  };
  return { telemetry, open, of: (req) => records.get(req) ?? open(req) };
}
