// Jest loads globalSetup outside ts-jest's resolver, so the TypeScript harness is loaded through
// tsx, which maps the `.js` import specifiers onto the `.ts` sources.
import { tsImport } from 'tsx/esm/api'

export default async function globalSetup() {
  const { default: start } = await tsImport('./start-peers.ts', import.meta.url)
  await start()
}
