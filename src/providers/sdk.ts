import { type SdkErrorClasses, toProviderError } from "./errors.js";
import type { ProviderOptions } from "./provider.js";
import { requestSignal } from "./signal.js";

/**
 * Options every SDK client is built with, live or batch: no SDK retries (runner/retry.ts is the
 * one retry loop), the configured timeout, and a placeholder key for local servers that need none.
 */
export function sdkOptions(opts: ProviderOptions) {
  return { apiKey: opts.apiKey ?? "not-needed", baseURL: opts.baseURL, timeout: opts.timeoutMs, maxRetries: 0, ...(opts.headers ? { defaultHeaders: opts.headers } : {}) };
}

/**
 * Every SDK call goes through this: on a short-lived signal that follows the caller's (the SDKs
 * never remove their listener, see signal.ts), with SDK errors turned into ProviderError and
 * the key scrubbed from their text.
 *
 * @example
 * const call = sdkCaller("openai", OpenAI, opts);
 * const res = await call(signal, (s) => client.chat.completions.create(body, { signal: s }));
 */
export function sdkCaller(label: string, sdk: SdkErrorClasses, opts: ProviderOptions) {
  return async <T>(signal: AbortSignal | undefined, fn: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> => {
    const scoped = requestSignal(signal);
    try {
      return await fn(scoped.signal);
    } catch (e) {
      throw toProviderError(e, label, sdk, [opts.apiKey]);
    } finally {
      scoped.release();
    }
  };
}
