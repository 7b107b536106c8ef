// The strict GitHub REST stand-in lives in scripts/lib/github-standin.mjs, shared with the demo.
export * from '../../scripts/lib/github-standin.mjs'
