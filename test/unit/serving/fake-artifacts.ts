import type { ProxyClient } from '../../../src/artifacts/index.js'

/**
 * The artifact proxy of one server, in memory: paths map to file bytes; folders are implied by
 * the paths under them. Listings answer basenames, as MLflow's proxy does. Hooks let a test
 * break a transfer (throw after some chunks), send fewer bytes than listed, stall, or answer a
 * listing of its own.
 */
export class FakeArtifacts implements ProxyClient {
  readonly server = 'http://mlflow.test'
  readonly downloads: string[] = []
  /** Bytes per chunk handed to the consumer. */
  chunk = 4
  failAfterChunks: number | undefined
  /** Sizes the listing claims instead of the real ones, by path. */
  listedSizes = new Map<string, number>()
  /** A listing of a folder that replaces the computed one (untrusted names). */
  listings = new Map<string, { path: string; is_dir: boolean; file_size?: number }[]>()
  /** Called before each chunk; may await to stall. */
  beforeChunk: (path: string, index: number) => Promise<void> = () => Promise.resolve()

  constructor(readonly files: Map<string, Buffer>) {}

  async listProxiedArtifacts(
    dir: string
  ): Promise<{ path: string; is_dir: boolean; file_size?: number }[]> {
    await Promise.resolve()
    const given = this.listings.get(dir)
    if (given) return given
    const prefix = dir === '' ? '' : `${dir}/`
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>()
    for (const [file, bytes] of this.files) {
      if (!file.startsWith(prefix)) continue
      const [name, ...rest] = file.slice(prefix.length).split('/')
      if (rest.length > 0) entries.set(name!, { path: name!, is_dir: true })
      else
        entries.set(name!, {
          path: name!,
          is_dir: false,
          file_size: this.listedSizes.get(file) ?? bytes.length
        })
    }
    return [...entries.values()]
  }

  async downloadProxiedArtifact<T>(
    path: string,
    consume: (body: AsyncIterable<Uint8Array>) => Promise<T>
  ): Promise<T> {
    this.downloads.push(path)
    const bytes = this.files.get(path)
    if (!bytes) throw new Error(`no file ${path}`)
    const { chunk, failAfterChunks, beforeChunk } = this
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let at = 0, i = 0; at < bytes!.length; at += chunk, i++) {
        if (failAfterChunks !== undefined && i >= failAfterChunks)
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
        await beforeChunk(path, i)
        yield bytes!.subarray(at, at + chunk)
      }
    }
    return consume(body())
  }
}
