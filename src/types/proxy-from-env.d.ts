/** proxy-from-env ships no types: the one function critic uses. */
declare module "proxy-from-env" {
  /** The proxy URL for `url` from HTTP(S)_PROXY / ALL_PROXY, or "" when there is none or NO_PROXY matches. */
  export function getProxyForUrl(url: string | URL): string;
}
