/** Small markdown builders for job summaries; values are escaped so a metric name cannot break a table. */

export function escapeCell(value: unknown): string {
  const text =
    value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

export function markdownTable(headers: string[], rows: unknown[][]): string {
  const head = `| ${headers.map(escapeCell).join(' | ')} |`
  const rule = `| ${headers.map(() => '---').join(' | ')} |`
  const body = rows.map(row => `| ${row.map(escapeCell).join(' | ')} |`)
  return [head, rule, ...body].join('\n')
}

export function heading(text: string, level = 3): string {
  return `${'#'.repeat(level)} ${text}`
}
