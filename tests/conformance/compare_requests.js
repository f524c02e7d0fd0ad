// Request-shape comparison: respec's own requests against the official V3
// SDK's (@alicloud/ecs20140526) for the same calls. run.sh makes respec plan
// and apply a small fleet on a fresh emulator; this script reads what the
// emulator recorded (GET /_emulator/requests: names only, never values),
// then, for each distinct (action, parameter names) respec sent, makes the
// SDK send a request with the same fields set and compares:
//   - the parameter names (a name the SDK's request model does not know fails),
//   - the method and the signature scheme (V3),
//   - the SignedHeaders list; content-type must be signed exactly when it is
//     sent (libcurl always sends one on POST, the SDK only with a body), so
//     it is compared through that rule rather than by presence,
//   - and, for both clients, that every content-type and x-acs-* header sent is signed.
// Indexed names (InstanceId.1, InstanceId.2) are set as one SDK array,
// which the SDK flattens back to the same names. ModifyPrepayInstanceSpec,
// DescribeResourcesModification, StopInstances, StartInstances and
// RebootInstances must be among the calls. Environment: RESPEC_ENDPOINT, ALIBABA_CLOUD_ACCESS_KEY_ID,
// ALIBABA_CLOUD_ACCESS_KEY_SECRET. Exits non-zero on any mismatch.
'use strict';

const assert = require('assert');
const http = require('http');
const OpenApi = require('@alicloud/openapi-client');
const Ecs = require('@alicloud/ecs20140526');
const Util = require('@alicloud/tea-util');

const endpoint = process.env.RESPEC_ENDPOINT;
const REQUIRED = ['ModifyPrepayInstanceSpec', 'DescribeResourcesModification', 'StopInstances', 'StartInstances',
                  'RebootInstances'];

function getJson(path) {
  return new Promise((resolve, reject) => {
    http.get(endpoint + path, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => { try { resolve(JSON.parse(data)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

function sample(type, wire) {
  if (wire === 'RegionId') return 'cn-hangzhou';
  if (type === 'boolean') return true;
  if (type === 'number') return 1;
  return 'conformance';
}

// The SDK request for `action` with every parameter name in `names` set.
// Throws when the SDK's model has no field for a name.
function sdkRequest(action, names) {
  const Model = Ecs[action + 'Request'];
  if (!Model) throw new Error(`the SDK has no ${action}Request`);
  const byWire = {};
  for (const [field, wire] of Object.entries(Model.names())) byWire[wire] = field;
  const types = Model.types();
  const init = {};
  for (const name of names) {
    const [top, sub] = name.split('.', 2);
    const field = byWire[top];
    if (!field) throw new Error(`respec sends ${action} parameter "${name}", which the SDK's ${action}Request does not have`);
    const type = types[field];
    if (sub === undefined) {
      init[field] = sample(type, name);
    } else if (type && type.type === 'array' && /^[1-9][0-9]*$/.test(sub)) {
      // InstanceId.1, InstanceId.2, ...: the SDK flattens an array so, so
      // respec's InstanceId.N become one array with an element for each N.
      init[field] = init[field] || [];
      init[field][Number(sub) - 1] = sample(type.itemType, name);
    } else if (typeof type === 'function' && type.names) {
      const subByWire = {};
      for (const [f, w] of Object.entries(type.names())) subByWire[w] = f;
      const subField = subByWire[sub];
      if (!subField) throw new Error(`respec sends ${action} parameter "${name}", unknown to the SDK's ${type.name}`);
      init[field] = new type(Object.assign({}, init[field] || {}, { [subField]: sample(type.types()[subField], name) }));
    } else {
      throw new Error(`respec sends ${action} parameter "${name}"; the SDK's field ${field} is not a structure`);
    }
  }
  for (const v of Object.values(init))
    if (Array.isArray(v) && v.some((x) => x === undefined))
      throw new Error(`respec sends ${action} with a gap in an indexed list (${names.join(', ')})`);
  return new Model(init);
}

const withoutContentType = (l) => l.filter((h) => h !== 'content-type');
// Headers only the SDK sends: x-acs-credentials-provider tells the gateway
// which credential provider the SDK used (telemetry, not a signing rule; that
// the real gateway accepts requests without it is unverified:
// docs/api-fidelity.md). Left out of the SDK's shape before comparing.
const SDK_ONLY_HEADERS = ['x-acs-credentials-provider'];
const sdkShape = (s) => Object.assign({}, s, {
  SignedHeaders: s.SignedHeaders.filter((h) => !SDK_ONLY_HEADERS.includes(h)),
  Headers: s.Headers.filter((h) => !SDK_ONLY_HEADERS.includes(h)),
});

function checkSigned(who, shape) {
  for (const h of shape.Headers)
    assert.ok(shape.SignedHeaders.includes(h), `${who} ${shape.Action}: header ${h} is sent but not signed`);
  assert.ok(shape.SignedHeaders.includes('host'), `${who} ${shape.Action}: host is not signed`);
}

async function main() {
  assert(endpoint, 'RESPEC_ENDPOINT is required');
  const url = new URL(endpoint);
  const ecs = new Ecs.default(new OpenApi.Config({
    accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    endpoint: url.host, protocol: 'http', regionId: 'cn-hangzhou',
  }));
  const noRetry = new Util.RuntimeOptions({ autoretry: false, maxAttempts: 1 });

  const respec = (await getJson('/_emulator/requests')).filter((r) => r.Action);
  assert.ok(respec.length > 0, 'respec made no API request');
  const distinct = new Map();
  for (const r of respec) distinct.set(r.Action + ' ' + r.Params.join(','), r);
  for (const action of REQUIRED)
    assert.ok([...distinct.values()].some((r) => r.Action === action), `respec never called ${action}`);

  let failed = 0;
  for (const mine of distinct.values()) {
    const label = `${mine.Action}(${mine.Params.join(', ')})`;
    try {
      assert.strictEqual(mine.Scheme, 'V3', `respec ${mine.Action} is not signed with V3`);
      const req = sdkRequest(mine.Action, mine.Params);
      const method = mine.Action.charAt(0).toLowerCase() + mine.Action.slice(1) + 'WithOptions';
      // Refusals are fine (dummy values): only the request's shape matters.
      await ecs[method](req, noRetry).catch(() => {});
      const log = await getJson('/_emulator/requests');
      const sdk = sdkShape(log[log.length - 1]);
      assert.strictEqual(sdk.Action, mine.Action, 'the SDK request was not recorded');
      checkSigned('respec', mine);
      checkSigned('SDK', sdk);
      assert.deepStrictEqual(mine.Params, sdk.Params, 'parameter names differ (respec, SDK)');
      assert.strictEqual(mine.Method, sdk.Method, 'HTTP method differs');
      assert.deepStrictEqual(withoutContentType(mine.SignedHeaders), withoutContentType(sdk.SignedHeaders),
                             'SignedHeaders differ (respec, SDK; content-type aside)');
      console.log(`ok   ${label}: signed ${mine.SignedHeaders.join(';')}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${label}: ${e && e.message ? e.message : e}`);
    }
  }
  console.log(`request shapes: ${distinct.size - failed} of ${distinct.size} match the SDK's`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.log(`FAIL ${e && e.message ? e.message : e}`); process.exit(1); });
