// Protocol v1's rules live in shared/protocol/protocol-v1.rules.json; the core's tables, the
// JSON Schema and docs/protocol.md's tables are generated from it and committed
// (scripts/gen-protocol.mjs). These tests keep the committed files in step with the rules,
// and the fixtures covering every frame, event and field the rules name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatedFiles, readRules, staleFiles } from '../../scripts/gen-protocol.mjs';
import { readRepoText } from './core-build.js';

const rules = readRules();
const fixtures = JSON.parse(readRepoText('shared/protocol/fixtures.json'));

test('every file generated from the protocol rules is current (node scripts/gen-protocol.mjs rewrites them)', () => {
  assert.deepEqual(staleFiles(), []);
});

test('a new field in the rules reaches every generated file', () => {
  const edited = structuredClone(rules);
  edited.toServer.typing.fields.push({ name: 'draftPreview', type: 'optionalText', optional: true });
  const before = generatedFiles(rules);
  const after = generatedFiles(edited);
  for (const path of ['wasm/protocol/frame_rules.cpp', 'shared/protocol/protocol-v1.schema.json', 'docs/protocol.md']) {
    assert.ok(!before[path].includes('draftPreview') && after[path].includes('draftPreview'), path);
  }
  const schema = JSON.parse(after['shared/protocol/protocol-v1.schema.json']);
  const typing = schema.definitions.toServer.allOf.find((branch) => branch.if.properties.type.const === 'typing').then;
  assert.deepEqual(typing.properties.draftPreview, { $ref: '#/definitions/optionalText' });
  assert.deepEqual(typing.required, ['on']);
});

test('a changed limit reaches the core, the schema and the docs', () => {
  const edited = structuredClone(rules);
  edited.limits.maxIdChars.default = 96;
  const after = generatedFiles(edited);
  assert.match(after['wasm/protocol/limits.h'], /maxIdChars = 96;/);
  assert.equal(JSON.parse(after['shared/protocol/protocol-v1.schema.json']).definitions.id.maxLength, 96);
  assert.match(after['docs/protocol.md'], /\| `maxIdChars` \|/);
});

// Every field of a rule, nested objects' fields as `parent.child`.
function fieldPaths(fields, prefix = '') {
  return fields.flatMap((field) => {
    const path = prefix + field.name;
    return Object.hasOwn(rules.objects, field.type) ? [path, ...fieldPaths(rules.objects[field.type].fields, `${path}.`)] : [path];
  });
}

function presentPaths(object, prefix = '') {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = prefix + key;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? [path, ...presentPaths(value, `${path}.`)] : [path];
  });
}

test('every frame, event and field in the rules has a valid example in the fixtures', () => {
  const seen = new Set();
  for (const { direction, frame } of fixtures.valid) {
    // An event frame is an example of the event frame and of its event.
    const rules = frame.type === 'event' ? [`${direction}:event`, `event:${frame.event}`] : [`${direction}:${frame.type}`];
    for (const rule of rules) {
      seen.add(rule);
      for (const path of presentPaths(frame)) seen.add(`${rule}:${path}`);
    }
  }
  const missing = [];
  const expect = (rule, fields) => {
    if (!seen.has(rule)) missing.push(rule);
    for (const path of fieldPaths(fields)) if (!seen.has(`${rule}:${path}`)) missing.push(`${rule}:${path}`);
  };
  for (const direction of ['toServer', 'toClient']) {
    for (const [type, frame] of Object.entries(rules[direction])) expect(`${direction}:${type}`, frame.fields);
  }
  for (const [event, rule] of Object.entries(rules.events)) expect(`event:${event}`, rule.fields);
  assert.deepEqual(missing, []);
});
