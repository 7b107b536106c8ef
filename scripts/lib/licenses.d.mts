// Types of licenses.mjs (see there).
/** The licences text for the packages whose files esbuild's metafile lists as inputs. */
export function licenseText(root: string, metafile: { inputs: Record<string, unknown> }): string
