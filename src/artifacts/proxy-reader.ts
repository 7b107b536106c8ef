import { ActionError } from '../core/errors.js'
import type { MlflowClient } from '../mlflow/index.js'
import {
  heldToListing,
  ListingGuard,
  printable,
  refusedListing,
  safeSegment,
  sortedFiles
} from './listing.js'
import type {
  ArtifactFile,
  ArtifactListing,
  ArtifactLocation,
  ArtifactReader,
  ListingLimits
} from './types.js'
import { DEFAULT_LISTING_LIMITS, EmptyArtifactError } from './listing.js'

/** The MLflow operations the proxy reader needs; MlflowClient provides them. */
export type ProxyClient = Pick<
  MlflowClient,
  'server' | 'listProxiedArtifacts' | 'downloadProxiedArtifact'
>

const PROXY = /^mlflow-artifacts:(?:\/\/([^/]*))?\/?(.*)$/i

/**
 * The path inside the tracking server's artifact proxy that an `mlflow-artifacts:` URI names.
 * A URI with a host (`mlflow-artifacts://other:5000/…`) is served by that host (MLflow's
 * MlflowArtifactsRepository), so it is refused unless the host is the tracking server's own.
 */
export function proxyPath(location: ArtifactLocation, server: string): string {
  const match = PROXY.exec(location.uri)
  if (!match) throw new ActionError(`'${printable(location.uri)}' is not an mlflow-artifacts: URI`)
  const host = match[1] ?? ''
  if (host !== '') {
    let own = ''
    try {
      own = new URL(server).host
    } catch {
      // a server that is not a URL has no host to match
    }
    if (host.replace(/^[^@]*@/, '').toLowerCase() !== own.toLowerCase()) {
      throw new ActionError(
        `${location.via}: the files are served by another tracking server's proxy ('${printable(location.uri)}'), not by ${printable(server)}; point MLFLOW_TRACKING_URI at that server`
      )
    }
  }
  const where = (match[2] ?? '').replace(/\/+$/, '')
  if (where === '' || !where.split('/').every(safeSegment))
    throw refusedListing(location, `the location '${where}' is not a plain path inside the proxy`)
  return where
}

/** The last segment of a listed path, which must name an entry of `dir` and nothing else. */
function listedName(location: ArtifactLocation, dir: string, listed: string): string {
  const name = listed.startsWith(`${dir}/`) ? listed.slice(dir.length + 1) : listed
  if (!safeSegment(name))
    throw refusedListing(
      location,
      `listing '${dir}' names '${listed}', which is not a plain entry of it`
    )
  return name
}

/**
 * Reads an artifact through the tracking server's artifact proxy (`mlflow server
 * --serve-artifacts`), through the MLflow client's connection (its auth, TLS, retries and reply
 * caps). The proxy lists one level per request, so the walk enters one directory at a time under
 * the ListingGuard's caps; a root that lists nothing is looked up in its parent, where it shows
 * as one file (an artifact logged with log_artifact) or is missing.
 */
export function openProxyReader(client: ProxyClient, location: ArtifactLocation): ArtifactReader {
  const root = proxyPath(location, client.server)
  let listed: { listing: ArtifactListing; limits: ListingLimits; paths: Set<string> } | undefined

  async function list(limits: ListingLimits = DEFAULT_LISTING_LIMITS): Promise<ArtifactListing> {
    const guard = new ListingGuard(location, limits)
    const top = await client.listProxiedArtifacts(root)
    let listing: ArtifactListing
    if (top.length === 0) {
      const slash = root.lastIndexOf('/')
      const parent = slash < 0 ? '' : root.slice(0, slash)
      const base = root.slice(slash + 1)
      const siblings = await client.listProxiedArtifacts(parent)
      const self = siblings.find(s => s.path === base || s.path === root)
      if (!self || self.is_dir) {
        throw new EmptyArtifactError(
          `${location.via}: the artifact '${printable(location.uri)}' ${self ? 'is an empty folder' : "does not exist in the tracking server's artifact store"}; it holds no files to read (it may have been deleted, or the version was registered from the wrong path)`
        )
      }
      guard.add(base, self.file_size)
      listing = { kind: 'file', location, files: guard.folder().files }
    } else {
      const queue: { rel: string; entries: typeof top }[] = [{ rel: '', entries: top }]
      while (queue.length > 0) {
        const { rel, entries } = queue.shift()!
        const dir = rel ? `${root}/${rel}` : root
        const names = new Set<string>()
        for (const item of entries) {
          const name = listedName(location, dir, item.path)
          if (names.has(name))
            throw refusedListing(location, `listing '${dir}' names '${name}' twice`)
          names.add(name)
          const relpath = rel ? `${rel}/${name}` : name
          if (item.is_dir) {
            // Counted (and capped) before the request: a server that answers with folder after
            // folder is stopped at maxDirectories, not followed.
            guard.enterDirectory(relpath)
            queue.push({
              rel: relpath,
              entries: await client.listProxiedArtifacts(`${root}/${relpath}`)
            })
          } else {
            guard.add(relpath, Number.isFinite(item.file_size) ? item.file_size : undefined)
          }
        }
      }
      if (guard.count === 0) {
        throw new ActionError(
          `${location.via}: the artifact folder '${printable(location.uri)}' holds no files (only empty folders); there is nothing to read`
        )
      }
      listing = guard.folder()
    }
    listed = { listing, limits, paths: new Set(listing.files.map(f => f.relpath)) }
    return { ...listing, files: sortedFiles(listing.files) }
  }

  return {
    location,
    list,
    async read<T>(
      file: ArtifactFile,
      consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
    ): Promise<T> {
      if (!listed) await list()
      const { listing, limits, paths } = listed!
      // Only listed (so checked and capped) files are read: no path from a caller or a server
      // reaches the proxy unchecked.
      if (!paths.has(file.relpath))
        throw new ActionError(
          `'${printable(file.relpath)}' is not a listed file of '${printable(location.uri)}'`
        )
      const remote = listing.kind === 'file' ? root : `${root}/${file.relpath}`
      const size = listing.files.find(f => f.relpath === file.relpath)?.size
      return client.downloadProxiedArtifact(remote, body =>
        consume(
          heldToListing(body, { relpath: file.relpath, size }, location, limits.maxTotalBytes)
        )
      )
    }
  }
}
