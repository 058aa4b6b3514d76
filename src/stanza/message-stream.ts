import { ApiError } from "../errors/api-error.js";

/**
 * A push-to-pull queue: producers `push` values, a GraphQL subscription pulls them as an
 * AsyncIterator. Unlike an async generator, `return()` takes effect at once even while
 * a `next()` is waiting, so an unsubscribing client releases its listener immediately.
 * The queue is bounded: a consumer that falls `limit` values behind is ended with an
 * error rather than letting memory grow.
 */
export class MessageStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private failWaiting: ((error: Error) => void) | undefined;
  private failure: Error | undefined;
  private failureDelivered = false;
  private done = false;

  constructor(private readonly limit: number, private readonly onEnd: () => void) {}

  push(value: T): void {
    if (this.done || this.failure) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = undefined;
      resolve({ value, done: false });
      return;
    }
    if (this.buffer.length >= this.limit) {
      this.fail(new ApiError("subscriber_too_slow", `More than ${this.limit} messages waited for this subscriber; the stream was ended`));
      return;
    }
    this.buffer.push(value);
  }

  /** Ends the stream with an error after the buffered values are consumed. */
  fail(error: Error): void {
    if (this.done || this.failure) return;
    this.failure = error;
    if (this.failWaiting) {
      const reject = this.failWaiting;
      this.waiting = this.failWaiting = undefined;
      this.failureDelivered = true;
      this.finish();
      reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift()!, done: false });
    if (this.failure && !this.failureDelivered) {
      this.failureDelivered = true;
      this.finish();
      return Promise.reject(this.failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.buffer.length = 0;
    const resolve = this.waiting;
    this.waiting = this.failWaiting = undefined;
    resolve?.({ value: undefined, done: true });
    this.onEnd();
  }
}

/**
 * The last `limit` keys added, the oldest forgotten first: enough to recognise a value
 * that comes twice within a short while without memory growing for as long as a
 * subscription lives.
 */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly limit: number) {}

  /** Remembers `key`; returns false when it is already remembered. */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value!);
    return true;
  }
}

/**
 * Maps each value of an async iterator lazily, passing `return()` straight through so
 * that ending the mapped stream ends the source at once. When the source fails, the
 * failure becomes one last value (`onError`) and the stream then ends: a subscriber gets
 * a GraphQL result with the error instead of a broken transport.
 */
export function mapIterator<T, U>(
  source: AsyncIterableIterator<T>,
  map: (value: T) => U,
  onError: (error: unknown) => U,
): AsyncIterableIterator<U> {
  return flatMapIterator(source, (value) => [map(value)], onError);
}

/** {@link mapIterator} where one source value may give any number of values, or none. */
export function flatMapIterator<T, U>(
  source: AsyncIterableIterator<T>,
  map: (value: T) => U[],
  onError: (error: unknown) => U,
): AsyncIterableIterator<U> {
  let failed = false;
  const ready: U[] = [];
  return {
    async next() {
      while (ready.length === 0) {
        if (failed) return { value: undefined, done: true };
        try {
          const result = await source.next();
          if (result.done) return { value: undefined, done: true };
          ready.push(...map(result.value));
        } catch (error) {
          failed = true;
          return { value: onError(error), done: false };
        }
      }
      return { value: ready.shift()!, done: false };
    },
    async return() {
      ready.length = 0;
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
