// SPDX-License-Identifier: Apache-2.0
// Validates NDJSON FHIR R4 resources against the specification (fhir-r4.mjs says how) and fails
// naming every invalid resource and what is wrong with it. CTest runs it over the sandbox's sample
// records; so can a person:
//
//   node validate.mjs FILE.ndjson                       the resources in a file
//   node validate.mjs --dump BINARY [OPTIONS...]        runs sampledata_dump (OPTIONS go to it)
//   node validate.mjs --expect-invalid PREFIX FILE      self-test: exactly the resources whose id
//                                                       starts with PREFIX must be found invalid
//   --verbose                                           also lists the warnings
//
// Exit status: 0 all as expected, 1 invalid resources (or none at all), 2 cannot run.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function fail(message) {
    console.error(`fhir-validation: ${message}`);
    process.exit(2);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20)
    fail(`Node.js ${process.versions.node} is too old; 20 or later is needed.`);

// The pinned validators, exactly (as tests/e2e/run.mjs checks its own).
const manifest = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
const problems = [];
for (const [name, wanted] of Object.entries(manifest.dependencies)) {
    const installed = path.join(here, 'node_modules', name, 'package.json');
    if (!existsSync(installed)) {
        problems.push(`${name} is not installed`);
        continue;
    }
    const { version } = JSON.parse(readFileSync(installed, 'utf8'));
    if (version !== wanted)
        problems.push(`${name} is ${version}, package.json pins ${wanted}`);
}
if (problems.length > 0) {
    fail(`tests/fhir-validation/node_modules is missing or out of date (${problems.join('; ')}).\n` +
         'fhir-validation: run scripts/install-deps.sh (it runs "npm ci" in tests/fhir-validation).');
}
const { validate, schemaVersion } = await import('./fhir-r4.mjs');

// --- arguments ------------------------------------------------------------------------------------
const args = process.argv.slice(2);
let verbose = false;
let expectInvalid = null;
let text = null;
while (args.length > 0) {
    const argument = args.shift();
    if (argument === '--verbose') {
        verbose = true;
    } else if (argument === '--expect-invalid') {
        expectInvalid = args.shift() ?? fail('--expect-invalid needs an id prefix');
    } else if (argument === '--dump') {
        const binary = args.shift() ?? fail('--dump needs the sampledata_dump binary');
        const folder = mkdtempSync(path.join(tmpdir(), 'fhir-validation-'));
        const output = path.join(folder, 'sampledata.ndjson');
        const run = spawnSync(binary, [...args, '--output', output], { stdio: ['ignore', 'inherit', 'inherit'] });
        args.length = 0;
        if (run.error || run.status !== 0)
            fail(`${binary} failed: ${run.error?.message ?? `exit status ${run.status ?? run.signal}`}`);
        text = readFileSync(output, 'utf8');
        rmSync(folder, { recursive: true, force: true });
    } else if (text === null && !argument.startsWith('--')) {
        text = readFileSync(argument, 'utf8');
    } else {
        fail(`unknown argument ${argument}; see the comment at the top of validate.mjs`);
    }
}
if (text === null)
    fail('no input: give an NDJSON file or --dump BINARY');

// --- validation -----------------------------------------------------------------------------------
const lines = text.split('\n');
let checked = 0;
const invalid = [];
const unexpected = [];
const warnings = new Map();
for (const [index, line] of lines.entries()) {
    if (line.trim() === '')
        continue;
    ++checked;
    let resource = null;
    let result;
    try {
        resource = JSON.parse(line);
        result = validate(resource);
    } catch (error) {
        result = { errors: [`[json] ${error.message}`], warnings: [] };
    }
    const name = `${resource?.resourceType ?? '?'}/${resource?.id ?? '?'} (line ${index + 1})`;
    for (const warning of result.warnings) {
        const kind = warning.replace(/\[\d+\]/g, '[]');
        warnings.set(kind, (warnings.get(kind) ?? 0) + 1);
    }
    const expected = expectInvalid !== null && String(resource?.id ?? '').startsWith(expectInvalid);
    if (result.errors.length > 0) {
        invalid.push(name);
        const shown = result.errors.slice(0, 12);
        if (result.errors.length > shown.length)
            shown.push(`... and ${result.errors.length - shown.length} more`);
        console.log(`${expected ? 'invalid, as expected' : 'INVALID'}: ${name}`);
        for (const message of shown)
            console.log(`    ${message}`);
        if (expectInvalid !== null && !expected)
            unexpected.push(`${name} was expected to be valid`);
    } else if (expected) {
        unexpected.push(`${name} was expected to be invalid, but no check found anything`);
    }
}

const total = [...warnings.values()].reduce((sum, count) => sum + count, 0);
if (verbose) {
    for (const [kind, count] of [...warnings].sort((a, b) => b[1] - a[1]))
        console.log(`warning x${count}: ${kind}`);
}
console.log(`fhir-validation: ${total} warnings (mostly codes in value sets that need a terminology server;` +
            ` --verbose lists them)`);
console.log(`fhir-validation: checked against ${schemaVersion} and FHIR.js ${manifest.dependencies.fhir}` +
            ` R4 StructureDefinitions`);
if (expectInvalid !== null) {
    for (const problem of unexpected)
        console.log(`SELF-TEST FAILED: ${problem}`);
    console.log(`fhir-validation self-test: ${checked} resources, ${invalid.length} invalid,` +
                ` ${unexpected.length} not as expected`);
    process.exit(unexpected.length === 0 && checked > 0 ? 0 : 1);
}
console.log(`fhir-validation: ${checked} resources, ${invalid.length} invalid`);
process.exit(invalid.length === 0 && checked > 0 ? 0 : 1);
