// The act runner and its bridges live in scripts/lib/act.mjs, shared with the demo.
export * from '../../scripts/lib/act.mjs'
