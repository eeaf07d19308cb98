// shared/protocol/protocol-v1.schema.json is the protocol's contract for other
// implementations; the peers' validators (the core's wasm/protocol/frame.cpp, the reference
// server's server/protocol/frame-validator.js) are what run. These tests keep the
// schema and the validators saying the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { frameError } from '../../server/protocol/frame-validator.js';
import { readRepoText } from './core-build.js';

const schema = JSON.parse(readRepoText('shared/protocol/protocol-v1.schema.json'));
const fixtures = JSON.parse(readRepoText('shared/protocol/fixtures.json'));
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(schema);
const validators = {
  toServer: ajv.getSchema(`${schema.$id}#/definitions/toServer`),
  toClient: ajv.getSchema(`${schema.$id}#/definitions/toClient`),
};
const schemaAccepts = (frame, direction) => validators[direction](frame);

test('every valid fixture frame satisfies the schema for its direction', () => {
  assert.ok(fixtures.valid.length >= 20);
  for (const { name, direction, frame } of fixtures.valid) {
    assert.ok(schemaAccepts(frame, direction), `${name}: ${ajv.errorsText(validators[direction].errors)}`);
  }
});

function parsedOrNull(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON, or a nesting-limit fixture cut short: no frame to check
  }
}

test('every invalid fixture that parses as JSON is rejected by the schema', () => {
  const parsed = fixtures.invalid.map((fixture) => ({ ...fixture, frame: fixture.frame ?? parsedOrNull(fixture.text) })).filter(({ frame }) => frame !== null);
  assert.ok(parsed.length >= 10);
  for (const { name, direction, frame } of parsed) {
    assert.equal(schemaAccepts(frame, direction), false, name);
  }
});

// Each valid fixture broken one field at a time, in the ways frames go wrong in practice.
function* mutations(frame) {
  const breakages = [undefined, null, -1, 1.5, '', 'x'.repeat(4001), true, {}, [], 2 ** 53];
  for (const key of Object.keys(frame)) {
    for (const value of breakages) {
      const broken = { ...frame };
      if (value === undefined) delete broken[key];
      else broken[key] = value;
      yield { change: `${key} = ${value === undefined ? '(removed)' : JSON.stringify(value).slice(0, 12)}`, frame: broken };
    }
  }
}

test('the schema and the reference validator agree on every fixture broken one field at a time', () => {
  let checked = 0;
  for (const { name, direction, frame } of fixtures.valid) {
    for (const mutation of mutations(frame)) {
      const validatorAccepts = frameError(mutation.frame, direction) === null;
      assert.equal(schemaAccepts(mutation.frame, direction), validatorAccepts, `${name}, ${mutation.change}: validator says ${validatorAccepts ? 'valid' : 'invalid'}`);
      checked += 1;
    }
  }
  assert.ok(checked > 1000, `${checked} frames checked`);
});
