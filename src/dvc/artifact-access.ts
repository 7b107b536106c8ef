import path from 'node:path'
import type {
  ArtifactFile,
  ArtifactListing,
  ArtifactReader,
  StoreScheme
} from '../artifacts/types.js'
import type { LineageMlflow } from './mlflow-link.js'

/**
 * How lineage-check reads a version's or a run's files: a reader per store URI, injected so the
 * artifacts room's readers (proxy, S3, GCS, Azure Blob) plug in. `undefined` means no reader for
 * that store: the levels that need the bytes are then not reached, and the verdict says why.
 */
export type ArtifactReaderFactory = (uri: string) => ArtifactReader | undefined

const PROXY_SCHEME = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/

/** Removes user info from a store URI before it reaches a message. */
export function displayUri(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, '//')
}

/** Listing bounds: a model, a run's artifacts; never a whole bucket. */
const MAX_FILES = 10_000

/**
 * A reader for the tracking server's proxy (mlflow-artifacts:), over the proxy calls the MLflow
 * client already has. It stands in until the artifacts room's readers are wired in.
 */
export function proxyReaderFactory(client: LineageMlflow): ArtifactReaderFactory {
  return uri => {
    const proxied = PROXY_SCHEME.exec(uri)
    if (!proxied) return undefined
    const root = proxied[1]!.replace(/\/+$/, '')
    const location = { uri, scheme: 'mlflow-artifacts' as StoreScheme, via: uri }
    const safeName = (name: string): boolean =>
      name !== '' &&
      name !== '.' &&
      name !== '..' &&
      !/[\\/]/.test(name) &&
      ![...name].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
    const list = async (): Promise<ArtifactListing> => {
      const files: ArtifactFile[] = []
      const walk = async (sub: string): Promise<void> => {
        const listed = await client.listProxiedArtifacts(sub ? `${root}/${sub}` : root)
        for (const item of listed) {
          const name = path.posix.basename(item.path)
          if (!safeName(name))
            throw new Error(`the artifact store listed an unsafe name under '${root}/${sub}'`)
          const rel = sub ? `${sub}/${name}` : name
          if (item.is_dir) await walk(rel)
          else files.push({ relpath: rel, size: (item as { file_size?: number }).file_size })
          if (files.length > MAX_FILES)
            throw new Error(`more than ${MAX_FILES} files under '${root}'`)
        }
      }
      await walk('')
      // An empty listing of a path that is a file: the proxy lists a file as nothing.
      if (files.length === 0)
        return {
          kind: 'file',
          location,
          files: [{ relpath: path.posix.basename(root), size: undefined }]
        }
      return { kind: 'dir', location, files }
    }
    // One listing per reader: level 2 reads several files of the same tree.
    let listed: Promise<ArtifactListing> | undefined
    const listOnce = (): Promise<ArtifactListing> => (listed ??= list())
    return {
      location,
      list: listOnce,
      async read(file, consume) {
        const listing = await listOnce()
        const target = listing.kind === 'file' ? root : `${root}/${file.relpath}`
        return client.downloadProxiedArtifact(target, consume)
      }
    }
  }
}
