import type { StagePolicy } from '../policy/index.js'
import { parseRuleList, parseRules, type RuleSource } from './rules.js'
import type { Rule } from './types.js'

/** The rules of the `thresholds` field; errors name the field, line and column. */
export function inputRules(text: string | undefined): Rule[] {
  if (!text) return []
  return parseRules(text, {
    subject: { field: 'thresholds' },
    origin: line => `thresholds line ${line}`
  })
}

/**
 * The rules of a policy stage's `gates`. The loader keeps no positions, so the file line of
 * gate i is found by looking for its text after the stage's `gates:` key (best effort).
 */
export function policyRules(
  stage: StagePolicy,
  file: string | undefined,
  text: string | undefined
): Rule[] {
  const source: RuleSource = {
    subject: { text: `Policy file ${file ?? '(none)'}, stage '${stage.name}' gates` },
    origin: line => `policy stage '${stage.name}' gate ${line}`,
    location: line => {
      if (!file || !text) return undefined
      const wanted = stage.gates[line - 1]?.trim()
      const lines = text.split(/\r?\n/)
      const at = wanted ? lines.findIndex(l => l.includes(wanted)) : -1
      return { file, ...(at === -1 ? {} : { line: at + 1 }) }
    }
  }
  return parseRuleList(stage.gates, source)
}
