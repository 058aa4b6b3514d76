import { xml, type Element } from "@xmpp/xml";
import { randomBytes } from "node:crypto";
import { addCpu, pidsOf, perOp, type BenchContext, type CpuPerOp } from "../context.js";
import { subscribeSse, subscribeWs, type MessageSubscriber } from "../gateway-client.js";
import { cpuWindow, type CpuSample } from "../proc.js";
import { newGatewayResource } from "../../src/xmpp/presence.js";
import { bodyOf, chat, openRaw } from "../raw-client.js";
import { summarise, type Summary } from "../stats.js";

/** Time from a peer's send to arrival at each kind of receiver. */
export interface DeliveryResult {
  /** A plain XMPP client, available with priority 0: the baseline. */
  raw: Summary;
  /** A raw session set up like the gateway's subscribed one (its resource form, presence and carbons): server-side cost of that setup. */
  rawMirror: Summary;
  ws: Summary;
  sse: Summary;
  /** Gateway CPU per message delivered to a subscriber (ws + sse). */
  gatewayCpu: CpuPerOp;
}

type Path = "raw" | "rawMirror" | "ws" | "sse";
const TIMEOUT_MS = 5_000;

/**
 * A raw peer sends chat messages to each receiver's bare JID, one at a time, and waits for
 * each to arrive before the next; the paths take turns so that noise hits all of them.
 */
export async function runDelivery(ctx: BenchContext): Promise<DeliveryResult> {
  const u = ctx.deliveryUsers;
  const waiting = new Map<string, (t: number) => void>();
  const arrived = (body: string) => {
    const t = performance.now();
    const resolve = waiting.get(body);
    if (resolve) {
      waiting.delete(body);
      resolve(t);
    }
  };
  const onStanza = (stanza: Element) => {
    const body = bodyOf(stanza);
    if (body) arrived(body);
  };

  const peer = await openRaw(ctx.target, u.peer, "peer");
  const raw = await openRaw(ctx.target, u.raw, "receiver");
  raw.onStanza(onStanza);
  await raw.send(xml("presence", {}, xml("priority", {}, "0")));
  // A gateway-shaped resource, so that holdPresence treats it exactly as a pooled session:
  // it follows the priority of the user's *other* clients and must not take itself for one.
  const mirror = await openRaw(ctx.target, u.mirror, newGatewayResource());
  mirror.onStanza(onStanza);
  const releaseMirror = await mirror.holdPresence();
  const subscribers: MessageSubscriber[] = [];
  try {
    subscribers.push(await subscribeWs(ctx.gateway.url, ctx.authOf.get(u.ws)!, arrived));
    subscribers.push(await subscribeSse(ctx.gateway.url, ctx.authOf.get(u.sse)!, arrived));
    const to: Record<Path, string> = { raw: u.raw.jid, rawMirror: u.mirror.jid, ws: u.ws.jid, sse: u.sse.jid };
    const run = randomBytes(3).toString("hex");
    let seq = 0;
    const once = (path: Path, timeoutMs = TIMEOUT_MS): Promise<number> => {
      const body = `d${run}x${path}x${seq++}`;
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(body);
          reject(new Error(`no ${path} delivery within ${timeoutMs} ms`));
        }, timeoutMs);
        const t0 = performance.now();
        waiting.set(body, (t) => {
          clearTimeout(timer);
          resolve(t - t0);
        });
        peer.send(chat(to[path], body)).catch(reject);
      });
    };
    // A subscription becomes live once its presence is out, a moment after the transport
    // accepted it: probe each path until a message arrives.
    const paths: Path[] = ["raw", "rawMirror", "ws", "sse"];
    for (const path of paths) {
      for (let attempt = 0; ; attempt++) {
        try {
          await once(path, 300);
          break;
        } catch (error) {
          if (attempt >= 30) throw error;
        }
      }
    }
    for (let i = 0; i < 10; i++) for (const path of paths) await once(path);

    const samples: Record<Path, number[]> = { raw: [], rawMirror: [], ws: [], sse: [] };
    let gatewayCpu: CpuSample | undefined;
    for (let i = 0; i < ctx.options.deliverySamples; i++) {
      const order = i % 2 === 0 ? paths : [...paths].reverse();
      for (const path of order) {
        if (path === "ws" || path === "sse") {
          const end = cpuWindow(pidsOf(ctx));
          samples[path].push(await once(path));
          gatewayCpu = addCpu(gatewayCpu, end());
        } else {
          samples[path].push(await once(path));
        }
      }
    }
    return {
      raw: summarise(samples.raw),
      rawMirror: summarise(samples.rawMirror),
      ws: summarise(samples.ws),
      sse: summarise(samples.sse),
      gatewayCpu: perOp(gatewayCpu!, samples.ws.length + samples.sse.length),
    };
  } finally {
    await Promise.allSettled(subscribers.map((s) => s.stop()));
    await releaseMirror().catch(() => undefined);
    await Promise.allSettled([peer.close(), raw.close(), mirror.close()]);
  }
}
