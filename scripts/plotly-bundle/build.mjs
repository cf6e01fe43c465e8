// Bundle entry.js into ../../dashboard/static/plotly-ogdash.min.js with the settings plotly.js builds its own
// dist files with (its esbuild-config.js), minified; the licences of everything bundled go beside it.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const out = join(here, '..', '..', 'dashboard', 'static');
const version = require('plotly.js/package.json').version;
// scatter is in plotly.js's core; the others are the ones entry.js registers.
const traces = ['scatter', ...[...readFileSync(join(here, 'entry.js'), 'utf8').matchAll(/require\('plotly\.js\/lib\/(\w+)'\)/g)]
    .map((m) => m[1]).filter((name) => name !== 'core')];

const result = await build({
    entryPoints: [join(here, 'entry.js')],
    write: false,
    outfile: join(out, 'plotly-ogdash.min.js'),
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    target: 'es2016',
    legalComments: 'none',
    metafile: true,
    // Only map traces import a stylesheet (maplibre's); none is registered here.
    loader: { '.css': 'empty' },
    alias: { stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    logLevel: 'warning',
});

const header = `/**
* plotly.js v${version} (partial bundle for Open Government Monitor: ${traces.join(', ')} traces)
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
* Built by scripts/build-plotly from scripts/plotly-bundle/; licences in plotly-ogdash.LICENSE.txt
*/
`;
const js = header + result.outputFiles[0].text;
writeFileSync(join(out, 'plotly-ogdash.min.js'), js);

// Every npm package with code in the bundle, with its licence file.
const packages = new Map();  // name -> its folder
const inputs = Object.values(result.metafile.outputs)[0].inputs;
for (const input of Object.keys(inputs).filter((path) => inputs[path].bytesInOutput > 0 && !path.endsWith('.css'))) {
    const m = input.match(/^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//);
    if (m) packages.set(m[2], m[1]);
}
const notices = [...packages.keys()].sort().map((name) => {
    const dir = packages.get(name);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `(no licence file; package.json says ${meta.license})`;
    return `${'='.repeat(72)}\n${name} ${meta.version} (${meta.license || 'see below'})\n${'='.repeat(72)}\n${text}\n`;
});
writeFileSync(join(out, 'plotly-ogdash.LICENSE.txt'),
    `plotly-ogdash.min.js is plotly.js v${version} (https://github.com/plotly/plotly.js, MIT), bundled with only ` +
    `the ${traces.join(', ')} traces by scripts/build-plotly. It holds code from these ${packages.size} npm ` +
    `packages, each under the licence below.\n\n${notices.join('\n')}`);
console.log(`wrote dashboard/static/plotly-ogdash.min.js (${Buffer.byteLength(js)} bytes, plotly.js v${version}, ` +
    `${packages.size} packages) and plotly-ogdash.LICENSE.txt`);
