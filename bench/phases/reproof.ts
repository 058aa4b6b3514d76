import type { BenchContext } from "../context.js";
import { GatewayHttp } from "../gateway-client.js";
import { mapLimit, sleep, summarise, timed, type Summary } from "../stats.js";
import { closedLoop } from "./throughput.js";

/** The credential bound the phase's gateway runs with (`CREDENTIAL_RECHECK_S`), short so that many bounds pass. */
export const REPROOF_BOUND_S = 1;
/** Requests per user right after its re-proving one, within the bound. */
const WARM_PER_ROUND = 10;

/** What proving a right password again costs (issue 14 item 1: at most one re-proof per bound). */
export interface ReproofResult {
  boundSeconds: number;
  users: number;
  rounds: number;
  /** Sequential: each user's first request once its proof is older than the bound (it proves the password again). */
  reproving: Summary;
  /** Sequential: the same user's next requests, within the bound. */
  warm: Summary;
  /** Re-proofs and logins the gateway counted during the sequential rounds (expected: users × rounds, and 0). */
  sequentialProofs: { reproofs: number; logins: number };
  /** Every user in a closed loop for `seconds`: the proofs counted, per user per bound elapsed. */
  load: { seconds: number; requests: number; p50: number; reproofs: number; logins: number; reproofsPerUserPerBound: number };
}

/** The gateway's counters of proofs (`xmpp_graphql_credential_proofs_total`). */
async function proofs(baseUrl: string): Promise<{ reproofs: number; logins: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const read = (kind: string) => Number(new RegExp(`^xmpp_graphql_credential_proofs_total\\{kind="${kind}"\\} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return { reproofs: read("reproof"), logins: read("login") };
}

const minus = (a: { reproofs: number; logins: number }, b: { reproofs: number; logins: number }) => ({ reproofs: a.reproofs - b.reproofs, logins: a.logins - b.logins });

/**
 * A gateway of its own with `CREDENTIAL_RECHECK_S=1` and metrics on, its users logged in
 * first. Sequential rounds: wait out the bound, then per user one request (it re-proves
 * the password: one SASL exchange on a fresh connection) and {@link WARM_PER_ROUND} more
 * (warm). Then all users in closed loops: the re-proofs the metrics count per user per
 * bound, which the bound caps at one. Requests are `roster.listContacts`, as elsewhere.
 */
export async function runReproof(ctx: BenchContext): Promise<ReproofResult> {
  const users = ctx.users.slice(0, ctx.options.quick ? 10 : 50);
  const auths = users.map((u) => ctx.authOf.get(u)!);
  const gateway = await ctx.spawnGateway("reproof", { CREDENTIAL_RECHECK_S: String(REPROOF_BOUND_S), METRICS: "true" });
  const client = new GatewayHttp(gateway.url);
  try {
    await mapLimit(auths, 8, (a) => client.listContacts(a));
    const rounds = ctx.options.quick ? 5 : 15;
    const reproving: number[] = [];
    const warm: number[] = [];
    const before = await proofs(gateway.url);
    for (let round = 0; round < rounds; round++) {
      await sleep(REPROOF_BOUND_S * 1000 + 50);
      for (const auth of auths) {
        reproving.push(await timed(() => client.listContacts(auth)));
        for (let i = 0; i < WARM_PER_ROUND; i++) warm.push(await timed(() => client.listContacts(auth)));
      }
    }
    const sequentialProofs = minus(await proofs(gateway.url), before);
    const seconds = ctx.options.quick ? 5 : 15;
    const loadBefore = await proofs(gateway.url);
    const loop = await closedLoop(users.length, seconds * 1000, (i) => client.listContacts(auths[i]!));
    const counted = minus(await proofs(gateway.url), loadBefore);
    const result: ReproofResult = {
      boundSeconds: REPROOF_BOUND_S,
      users: users.length,
      rounds,
      reproving: summarise(reproving),
      warm: summarise(warm),
      sequentialProofs,
      load: {
        seconds,
        requests: loop.ops,
        p50: summarise(loop.latencies).p50,
        ...counted,
        reproofsPerUserPerBound: counted.reproofs / users.length / (loop.wallMs / 1000 / REPROOF_BOUND_S),
      },
    };
    ctx.log(`  re-proving request p50 ${result.reproving.p50.toFixed(2)} ms vs warm ${result.warm.p50.toFixed(2)} ms; ` +
      `sequential: ${sequentialProofs.reproofs} re-proofs (expected ${users.length * rounds}), ${sequentialProofs.logins} logins; ` +
      `under load: ${counted.reproofs} re-proofs, ${counted.logins} logins in ${loop.ops} requests = ${result.load.reproofsPerUserPerBound.toFixed(2)} per user per bound`);
    return result;
  } finally {
    client.close();
    await gateway.stop();
  }
}
