import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { licenseText } from '../../scripts/lib/licenses.mjs'

// dist/licenses.txt and dist/cli/licenses.txt (scripts/build.mjs): every bundled package keeps
// its own copyright lines, and a licence's terms are written once for all that share them.
const MIT_TERMS = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.`

const BSD_TERMS = `Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS".`

const APACHE_TERMS = `Apache License
Version 2.0, January 2004

APPENDIX: How to apply the Apache License to your work.

   Copyright [yyyy] [name of copyright owner]

   Licensed under the Apache License, Version 2.0 (the "License").`

function project(packages: Record<string, { license: string; text?: string }>): {
  root: string
  metafile: { inputs: Record<string, unknown> }
} {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mg-licenses-'))
  const inputs: Record<string, unknown> = { 'src/index.ts': {} }
  for (const [name, { license, text }] of Object.entries(packages)) {
    const dir = path.join(root, 'node_modules', name)
    mkdirSync(dir, { recursive: true })
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name, version: '1.2.3', license })
    )
    if (text !== undefined) writeFileSync(path.join(dir, 'LICENSE'), text)
    inputs[`node_modules/${name}/lib/index.js`] = {}
  }
  return { root, metafile: { inputs } }
}

describe('licenseText', () => {
  const { root, metafile } = project({
    'zeta-mit': {
      license: 'MIT',
      text: `MIT License\n\nCopyright (c) 2020 Zeta Ltd\n\n${MIT_TERMS}`
    },
    'alpha-mit': {
      license: 'MIT',
      // The same terms wrapped the same way, with a different holder and a © sign.
      text: `MIT License\n\n© 2019 Alpha Person <alpha@example.com>\n\n${MIT_TERMS}\n`
    },
    '@scope/bsd': { license: 'BSD-3-Clause', text: `Copyright 2018 Scoped Inc.\n\n${BSD_TERMS}` },
    apache: { license: 'Apache-2.0', text: APACHE_TERMS },
    bare: { license: 'ISC' }
  })
  const text = licenseText(root, metafile)
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const groups = text.split(`\n${'-'.repeat(72)}\n\n`)

  it('writes each set of terms once, under every package that ships them, by name', () => {
    expect(groups).toHaveLength(4)
    expect(text.split('Permission is hereby granted').length - 1).toBe(1)
    const mit = groups.find(g => g.includes('Permission is hereby granted'))!
    expect(mit.indexOf('alpha-mit@1.2.3 (MIT)')).toBeLessThan(mit.indexOf('zeta-mit@1.2.3 (MIT)'))
    expect(mit.indexOf('zeta-mit@1.2.3 (MIT)')).toBeLessThan(mit.indexOf('MIT License'))
  })

  it("keeps every package's own copyright lines under its name", () => {
    expect(text).toContain('alpha-mit@1.2.3 (MIT)\n  © 2019 Alpha Person <alpha@example.com>')
    expect(text).toContain('zeta-mit@1.2.3 (MIT)\n  Copyright (c) 2020 Zeta Ltd')
    expect(text).toContain('@scope/bsd@1.2.3 (BSD-3-Clause)\n  Copyright 2018 Scoped Inc.')
  })

  it('leaves a line that only mentions copyright holders in the terms', () => {
    const bsd = groups.find(g => g.includes('@scope/bsd'))!
    expect(bsd).toContain('THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS')
  })

  it("does not take Apache's appendix template for a holder, and keeps it in the terms", () => {
    expect(text).toMatch(/^apache@1\.2\.3 \(Apache-2\.0\)\n\nApache License/m)
    expect(groups.find(g => g.includes('apache@'))).toContain(
      'Copyright [yyyy] [name of copyright owner]'
    )
  })

  it('says so where a package ships no licence file', () => {
    expect(text).toContain('bare@1.2.3 (ISC)\n\n(no license file in the package)')
  })
})
