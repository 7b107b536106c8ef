// Types of actions.mjs (see there).
/** Names of the actions (top-level folders with an action.yml), sorted. */
export function actionNames(root?: string): string[]
