import { createClient } from "@redis/client";

/**
 * Counts failed logins per user and per client address in fixed windows, so that
 * password guessing is slowed down before it reaches the XMPP server. In memory by
 * default; in Redis (shared by every instance) when REDIS_URL is set.
 */
export interface LoginThrottle {
  /** Seconds to wait when the user or the address is over its limit, else undefined. */
  blockedFor(user: string, ip: string): Promise<number | undefined>;
  /** Records a failed login (a user of undefined: only the address is counted). */
  failed(user: string | undefined, ip: string): Promise<void>;
  /** Forgets the user's failures after a successful login. */
  succeeded(user: string): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the shared store answers (readiness); undefined for a store in this process. */
  readonly ping?: () => Promise<void>;
}

export interface ThrottleLimits { perUser: number; perIp: number; windowS: number }

interface Window { count: number; endsAt: number }

/** One process's view: right for one gateway instance. Entries expire with their window. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly limits: ThrottleLimits, private readonly now: () => number = Date.now) {
    // Bounded memory: expired windows are dropped once per window length.
    this.sweeper = setInterval(() => {
      const t = this.now();
      for (const [key, w] of this.windows) if (w.endsAt <= t) this.windows.delete(key);
    }, limits.windowS * 1000);
    this.sweeper.unref();
  }

  async blockedFor(user: string, ip: string): Promise<number | undefined> {
    const t = this.now();
    const waits = [this.wait(`u:${user}`, this.limits.perUser, t), this.wait(`i:${ip}`, this.limits.perIp, t)];
    const longest = Math.max(...waits.map((w) => w ?? 0));
    return longest > 0 ? longest : undefined;
  }

  async failed(user: string | undefined, ip: string): Promise<void> {
    if (user !== undefined) this.bump(`u:${user}`);
    this.bump(`i:${ip}`);
  }

  async succeeded(user: string): Promise<void> {
    this.windows.delete(`u:${user}`);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private wait(key: string, limit: number, t: number): number | undefined {
    const w = this.windows.get(key);
    if (!w || w.endsAt <= t || w.count < limit) return undefined;
    return Math.ceil((w.endsAt - t) / 1000);
  }

  private bump(key: string): void {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || w.endsAt <= t) this.windows.set(key, { count: 1, endsAt: t + this.limits.windowS * 1000 });
    else w.count++;
  }
}

/** Counters in Redis with an expiry per window: every instance sees the same failures. */
export class RedisLoginThrottle implements LoginThrottle {
  private readonly client;

  constructor(url: string, private readonly limits: ThrottleLimits) {
    this.client = createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(retries * 100, 2000) } });
    this.client.on("error", () => undefined);
  }

  async blockedFor(user: string, ip: string): Promise<number | undefined> {
    const keys = [this.key("u", user), this.key("i", ip)];
    const [userCount, ipCount] = await this.client.mGet(keys);
    const over = [Number(userCount ?? 0) >= this.limits.perUser ? keys[0]! : undefined, Number(ipCount ?? 0) >= this.limits.perIp ? keys[1]! : undefined]
      .filter((k): k is string => k !== undefined);
    if (over.length === 0) return undefined;
    const ttls = await Promise.all(over.map((k) => this.client.ttl(k)));
    return Math.max(1, ...ttls);
  }

  async failed(user: string | undefined, ip: string): Promise<void> {
    const keys = user === undefined ? [this.key("i", ip)] : [this.key("u", user), this.key("i", ip)];
    const tx = this.client.multi();
    for (const key of keys) tx.incr(key).expire(key, this.limits.windowS, "NX");
    await tx.exec();
  }

  async succeeded(user: string): Promise<void> {
    await this.client.del(this.key("u", user));
  }

  async open(): Promise<void> {
    await this.client.connect();
  }

  readonly ping = async (): Promise<void> => {
    await this.client.ping();
  };

  async close(): Promise<void> {
    await this.client.close();
  }

  private key(kind: string, id: string): string {
    return `xmpp-graphql:login-failures:${kind}:${id}`;
  }
}
