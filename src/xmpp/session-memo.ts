/**
 * What the domains remember about one XMPP session (facts discovered once, such as which
 * services a server offers) and the work they run on it one task at a time. It belongs
 * to the session and is cleared when the session closes, so nothing outlives the user's
 * session or leaks between app instances; it is bounded by entry count.
 */
export class SessionMemo {
  private readonly facts = new Map<string, Promise<unknown>>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly owned = new Map<string, unknown>();

  constructor(private readonly maxEntries = 256) {}

  /**
   * The value remembered under `key`, made by `make` on first use. Concurrent callers
   * share one attempt. A failure is not remembered, nor a value `keep` refuses.
   */
  remember<T>(key: string, make: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const known = this.facts.get(key) as Promise<T> | undefined;
    if (known) return known;
    const made = make();
    this.facts.set(key, made);
    made.then(
      (value) => {
        if (!keep(value) && this.facts.get(key) === made) this.facts.delete(key);
      },
      () => {
        if (this.facts.get(key) === made) this.facts.delete(key);
      },
    );
    evictOldest(this.facts, this.maxEntries);
    return made;
  }

  /** The object remembered under `key`, made by `make` on first use (e.g. a tracker the session owns). */
  own<T>(key: string, make: () => T): T {
    if (this.owned.has(key)) return this.owned.get(key) as T;
    const made = make();
    this.owned.set(key, made);
    evictOldest(this.owned, this.maxEntries);
    return made;
  }

  /** Runs `task` after every earlier task queued under `key` has settled (e.g. a read-modify-write). */
  serial<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    this.queues.set(key, run);
    // The queue is dropped once idle, so that keys do not pile up.
    const drop = () => {
      if (this.queues.get(key) === run) this.queues.delete(key);
    };
    run.then(drop, drop);
    evictOldest(this.queues, this.maxEntries);
    return run;
  }

  /** Forgets everything (the session closed). */
  clear(): void {
    this.facts.clear();
    this.queues.clear();
    this.owned.clear();
  }
}

function evictOldest(map: Map<string, unknown>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value!);
}
