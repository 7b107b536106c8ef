import { describe, expect, it } from '@jest/globals'
import { fnmatch, literalPattern } from '../../../src/github/fnmatch.js'

/**
 * GitHub's deployment branch and tag patterns: Ruby File.fnmatch with FNM_PATHNAME ("Wildcard
 * characters will not match `/`. … to match branches that begin with `release/` and contain an
 * additional single slash, use `release/*\/*`").
 */
describe('fnmatch as GitHub documents it for deployment branches', () => {
  it.each([
    ['*', 'main', true],
    ['*', 'feature/x', false],
    ['release/*', 'release/1.0', true],
    ['release/*', 'release/1.0/hotfix', false],
    ['release/*/*', 'release/1.0/hotfix', true],
    ['release/*', 'main', false],
    ['**/*', 'a/b/c', true],
    ['**/main', 'main', true],
    ['**/main', 'x/y/main', true],
    ['ma?n', 'main', true],
    ['ma?n', 'ma/n', false],
    ['ma[a-z]n', 'main', true],
    ['ma[!i]n', 'main', false],
    ['ma[!i]n', 'maxn', true],
    ['ma[^i]n', 'maxn', true],
    ['m[/]in', 'm/in', false],
    ['\\*', '*', true],
    ['\\*', 'main', false],
    ['main', 'main', true],
    ['main', 'Main', false],
    ['main', 'main2', false],
    ['{main,dev}', 'main', false],
    ['v1.0', 'v1x0', false],
    ['feat[', 'feat[', true]
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(fnmatch(pattern, name)).toBe(expected)
  })

  it('tells a literal name from a pattern', () => {
    expect(literalPattern('main')).toBe('main')
    expect(literalPattern('release\\*')).toBe('release*')
    expect(literalPattern('ma[i]n')).toBeUndefined()
    expect(literalPattern('*')).toBeUndefined()
    expect(literalPattern('ma?n')).toBeUndefined()
  })
})
