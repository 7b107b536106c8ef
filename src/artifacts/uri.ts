import type { StoreScheme } from './types.js'
import { replaceUnsafe } from '../core/text-safety.js'

/** Schemes a store reader exists (or may exist) for; `mlflow-artifacts` is the tracking server's proxy. */
export const STORE_SCHEMES: readonly StoreScheme[] = [
  'mlflow-artifacts',
  's3',
  'gs',
  'wasbs',
  'abfss'
]

/**
 * A URI as it may be printed: credentials removed. `user:password@` is dropped for every scheme;
 * for s3 and gs any userinfo is (it can only be a key). wasbs/abfss keep `container@account`,
 * which names the container, not a secret. A query (an Azure SAS token, a presigned signature)
 * is replaced by `?…`, and control characters by U+FFFD, so a server's string cannot forge log
 * lines or workflow commands.
 */
export function redactUri(uri: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase()
  let out = uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*:[^/@?#]*@/i, '$1')
  if (scheme !== 'wasbs' && scheme !== 'abfss' && scheme !== 'wasb' && scheme !== 'abfs')
    out = out.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1')
  out = out.replace(/[?#].*$/s, m => (m.length > 0 ? '?…' : ''))
  return replaceUnsafe(out, '\ufffd')
}

/** The store scheme of a URI, or undefined when no reader can exist for it (file:, http:, dbfs:, …). */
export function storeSchemeOf(uri: string): StoreScheme | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase()
  return STORE_SCHEMES.find(s => s === scheme)
}

/** `a/b/` + `c` → `a/b/c`; an empty relative path leaves the base as it is (without a trailing '/'). */
export function joinUri(base: string, rel: string): string {
  const trimmed = base.replace(/\/+$/, '')
  const tail = rel.replace(/^\/+/, '').replace(/\/+$/, '')
  return tail === '' ? trimmed : `${trimmed}/${tail}`
}
