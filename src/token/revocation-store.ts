import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createClient } from "@redis/client";

/**
 * Per-user token state that must outlive the process and, with Redis, be shared by every
 * gateway instance: the revocation generation (tokens issued under an older one are
 * dead) and whether tokens were issued since the last revocation.
 */
export interface RevocationStore {
  /** The user's current generation (0 for a user never revoked). */
  generation(user: string): Promise<number>;
  /** Records that tokens were issued; returns the generation to put in them. */
  issued(user: string): Promise<number>;
  /** Revokes every token of the user; false when none was issued since the last revocation. */
  revoke(user: string): Promise<boolean>;
  /** Connects to the backing service, if any. */
  open(): Promise<void>;
  close(): Promise<void>;
}

interface UserState { generation: number; active: boolean }

/**
 * The embedded default: a JSON file written atomically (temp file + rename) on each
 * change and read once at start. Right for one gateway instance; several instances need
 * Redis (REDIS_URL).
 */
export class FileRevocationStore implements RevocationStore {
  private readonly users: Map<string, UserState>;

  constructor(private readonly path: string) {
    this.users = new Map();
    try {
      const saved = JSON.parse(readFileSync(path, "utf8")) as Record<string, UserState>;
      for (const [user, state] of Object.entries(saved)) this.users.set(user, state);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  async generation(user: string): Promise<number> {
    return this.users.get(user)?.generation ?? 0;
  }

  async issued(user: string): Promise<number> {
    const state = this.users.get(user) ?? { generation: 0, active: false };
    if (!state.active) {
      this.users.set(user, { ...state, active: true });
      this.save();
    }
    return state.generation;
  }

  async revoke(user: string): Promise<boolean> {
    const state = this.users.get(user);
    if (!state?.active) return false;
    this.users.set(user, { generation: state.generation + 1, active: false });
    this.save();
    return true;
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {}

  private save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.users)), { mode: 0o600 });
    renameSync(temp, this.path);
  }
}

/** Shared state in Redis: one hash per user, updated atomically. */
function createRedis(url: string) {
  return createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(retries * 100, 2000) } });
}
type Redis = ReturnType<typeof createRedis>;

export class RedisRevocationStore implements RevocationStore {
  private readonly client: Redis;

  constructor(url: string) {
    this.client = createRedis(url);
    this.client.on("error", () => undefined); // reconnects on its own; commands wait meanwhile
  }

  /** Connects; rejects when Redis cannot be reached. */
  async open(): Promise<void> {
    await this.client.connect();
  }

  private key(user: string): string {
    return `xmpp-graphql:tokens:${user}`;
  }

  async generation(user: string): Promise<number> {
    return Number((await this.client.hGet(this.key(user), "generation")) ?? 0);
  }

  async issued(user: string): Promise<number> {
    const key = this.key(user);
    const [, generation] = await this.client.multi().hSet(key, "active", "1").hGet(key, "generation").exec();
    return Number(generation ?? 0);
  }

  async revoke(user: string): Promise<boolean> {
    // Only a user with live tokens is revoked; the check and the bump happen in one script.
    const revoked = await this.client.eval(
      "if redis.call('HGET', KEYS[1], 'active') == '1' then redis.call('HINCRBY', KEYS[1], 'generation', 1); redis.call('HSET', KEYS[1], 'active', '0'); return 1 else return 0 end",
      { keys: [this.key(user)] },
    );
    return Number(revoked) === 1;
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
