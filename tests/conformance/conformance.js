// Conformance check: the official Alibaba Cloud SDKs, unmodified except for
// the endpoint, drive `respec emulator`. Both signature schemes are covered:
// @alicloud/pop-core sends RPC signature 1.0 (GET and POST form bodies),
// @alicloud/ecs20140526 (on @alicloud/openapi-core) sends V3 ACS3-HMAC-SHA256.
// @alicloud/sts20150401 (V3) runs AssumeRole against the emulator's STS door
// (a second emulator whose world declares a role trusting RESPEC_STS_KEY_ID),
// and the assumed credentials sign an ECS call. StopInstances, StartInstances
// and RebootInstances (InstanceId.N, SuccessFirst and the AllTogether
// default) are checked through the V3 SDK's response models.
// Environment: RESPEC_ENDPOINT (http://127.0.0.1:PORT),
// ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
// RESPEC_STS_ENDPOINT, RESPEC_STS_KEY_ID, RESPEC_STS_KEY_SECRET, RESPEC_STS_ROLE.
// Exits non-zero on the first failed check.
'use strict';

const assert = require('assert');
const http = require('http');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OpenApi = require('@alicloud/openapi-client');
const Ecs = require('@alicloud/ecs20140526');
const Util = require('@alicloud/tea-util');
const Sts = require('@alicloud/sts20150401');
const OpenApiCore = require('@alicloud/openapi-core');

const endpoint = process.env.RESPEC_ENDPOINT;
const keyId = process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
const keySecret = process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
const region = 'cn-hangzhou';
let passed = 0;
let failed = 0;

function getJson(path) {
  return new Promise((resolve, reject) => {
    http.get(endpoint + path, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => {
        try { resolve(JSON.parse(data)); } catch (e) { reject(e); }
      });
    }).on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

async function waitForStatus(id, want) {
  for (let i = 0; i < 200; i++) {
    const all = await getJson('/_emulator/instances');
    const inst = all.find((x) => x.InstanceId === id);
    if (inst && inst.Status === want) return;
    await sleep(50);
  }
  throw new Error(`${id} never reached ${want}`);
}

function popClient(secret) {
  return new RPCClient({
    accessKeyId: keyId,
    accessKeySecret: secret || keySecret,
    endpoint,
    apiVersion: '2014-05-26',
  });
}

function ecsClient(secret) {
  const url = new URL(endpoint);
  const config = new OpenApi.Config({
    accessKeyId: keyId,
    accessKeySecret: secret || keySecret,
    endpoint: url.host,
    protocol: 'http',
    regionId: region,
  });
  return new Ecs.default(config);
}

async function main() {
  assert(endpoint && keyId && keySecret, 'RESPEC_ENDPOINT and the ALIBABA_CLOUD_ACCESS_KEY_* variables are required');
  const pop = popClient();
  const ecs = ecsClient();
  const noRetry = new Util.RuntimeOptions({ autoretry: false, maxAttempts: 1 });
  let running = [];

  await check('pop-core (RPC 1.0, GET) DescribeInstances', async () => {
    const r = await pop.request('DescribeInstances', { RegionId: region, PageSize: 100 });
    assert.ok(r.RequestId, 'RequestId');
    assert.ok(Array.isArray(r.Instances.Instance), 'Instances.Instance[]');
    assert.ok(r.TotalCount > 0, 'TotalCount');
    assert.strictEqual(typeof r.Instances.Instance[0].Cpu, 'number');
    running = r.Instances.Instance.filter((i) => i.Status === 'Running' && i.InstanceChargeType === 'PrePaid' &&
                                               !i.EipAddress.IpAddress);
    assert.ok(running.length >= 2, 'need two running PrePaid instances without EIP in the world');
  });

  await check('pop-core (RPC 1.0, POST form) DescribeInstances with InstanceIds', async () => {
    const ids = JSON.stringify([running[0].InstanceId]);
    const r = await pop.request('DescribeInstances', { RegionId: region, InstanceIds: ids }, { method: 'POST' });
    assert.strictEqual(r.Instances.Instance.length, 1);
    assert.strictEqual(r.Instances.Instance[0].InstanceId, running[0].InstanceId);
  });

  await check('ecs20140526 (V3) DescribeInstances', async () => {
    const r = await ecs.describeInstancesWithOptions(
      new Ecs.DescribeInstancesRequest({ regionId: region, instanceIds: JSON.stringify([running[1].InstanceId]) }), noRetry);
    assert.strictEqual(r.statusCode, 200);
    const inst = r.body.instances.instance;
    assert.strictEqual(inst.length, 1);
    assert.strictEqual(inst[0].instanceId, running[1].InstanceId);
    assert.strictEqual(inst[0].instanceChargeType, 'PrePaid');
    assert.ok(r.body.requestId);
  });

  let upgradeTarget = '';
  await check('ecs20140526 (V3) DescribeResourcesModification', async () => {
    const r = await ecs.describeResourcesModificationWithOptions(new Ecs.DescribeResourcesModificationRequest({
      regionId: region, resourceId: running[0].InstanceId, destinationResource: 'InstanceType', operationType: 'Upgrade',
    }), noRetry);
    const zone = r.body.availableZones.availableZone[0];
    const cands = zone.availableResources.availableResource[0].supportedResources.supportedResource;
    const ok = cands.filter((c) => c.status === 'Available');
    assert.ok(ok.length > 0, 'an available upgrade target');
    upgradeTarget = ok[0].value;
  });

  await check('pop-core ModifyPrepayInstanceSpec upgrade, order visible, ClientToken idempotent', async () => {
    const token = 'conformance-pop-' + running[0].InstanceId;
    const params = { RegionId: region, InstanceId: running[0].InstanceId, InstanceType: upgradeTarget,
                     OperatorType: 'upgrade', ClientToken: token, AutoPay: true };
    const r1 = await pop.request('ModifyPrepayInstanceSpec', params, { method: 'POST' });
    assert.strictEqual(typeof r1.OrderId, 'string');
    const r2 = await pop.request('ModifyPrepayInstanceSpec', params, { method: 'POST' });
    assert.strictEqual(r2.OrderId, r1.OrderId, 'same ClientToken, same order');
    const orders = (await getJson('/_emulator/orders')).filter((o) => o.ClientToken === token);
    assert.strictEqual(orders.length, 1, 'exactly one order for the token');
    assert.strictEqual(orders[0].OrderId, r1.OrderId);
    assert.strictEqual(orders[0].InstanceType, upgradeTarget);
    // A new order while that one processes: LastOrderProcessing.
    await assert.rejects(pop.request('ModifyPrepayInstanceSpec', Object.assign({}, params, { ClientToken: token + '-2' }),
                                     { method: 'POST' }),
      (e) => e.code === 'LastOrderProcessing' || assert.fail(String(e.code)));
  });

  await check('ecs20140526 (V3) StopInstance', async () => {
    const r = await ecs.stopInstanceWithOptions(new Ecs.StopInstanceRequest({ instanceId: running[1].InstanceId }), noRetry);
    assert.strictEqual(r.statusCode, 200);
    assert.ok(r.body.requestId);
    await waitForStatus(running[1].InstanceId, 'Stopped');
  });

  await check('ecs20140526 (V3) ModifyPrepayInstanceSpec downgrade on the stopped instance', async () => {
    const cur = (await getJson('/_emulator/instances')).find((x) => x.InstanceId === running[1].InstanceId);
    const r0 = await ecs.describeResourcesModificationWithOptions(new Ecs.DescribeResourcesModificationRequest({
      regionId: region, resourceId: cur.InstanceId, destinationResource: 'InstanceType', operationType: 'Downgrade',
    }), noRetry);
    const cands = r0.body.availableZones.availableZone[0].availableResources.availableResource[0]
      .supportedResources.supportedResource.filter((c) => c.status === 'Available');
    assert.ok(cands.length > 0, 'a downgrade target for ' + cur.InstanceType);
    const token = 'conformance-v3-' + cur.InstanceId;
    const req = new Ecs.ModifyPrepayInstanceSpecRequest({
      regionId: region, instanceId: cur.InstanceId, instanceType: cands[0].value, operatorType: 'downgrade',
      clientToken: token, rebootWhenFinished: false, systemDisk: { category: 'cloud_efficiency' },
    });
    const r = await ecs.modifyPrepayInstanceSpecWithOptions(req, noRetry);
    assert.strictEqual(typeof r.body.orderId, 'string');
    const orders = (await getJson('/_emulator/orders')).filter((o) => o.ClientToken === token);
    assert.strictEqual(orders.length, 1);
    assert.strictEqual(orders[0].OperatorType, 'downgrade');
    assert.strictEqual(orders[0].OrderId, r.body.orderId);
  });

  await check('ecs20140526 (V3) error: wrong secret -> SignatureDoesNotMatch', async () => {
    const bad = ecsClient('not-the-secret');
    await assert.rejects(
      bad.describeInstancesWithOptions(new Ecs.DescribeInstancesRequest({ regionId: region }), noRetry),
      (e) => (e.code === 'SignatureDoesNotMatch' && e.statusCode === 400) || assert.fail(`${e.code} ${e.statusCode}`));
  });

  await check('pop-core error: wrong secret -> SignatureDoesNotMatch', async () => {
    await assert.rejects(popClient('not-the-secret').request('DescribeInstances', { RegionId: region }),
      (e) => e.code === 'SignatureDoesNotMatch' || assert.fail(String(e.code)));
  });

  await check('ecs20140526 (V3) error: StopInstance on a stopped instance -> IncorrectInstanceStatus', async () => {
    await assert.rejects(
      ecs.stopInstanceWithOptions(new Ecs.StopInstanceRequest({ instanceId: running[1].InstanceId }), noRetry),
      (e) => (e.code === 'IncorrectInstanceStatus' && e.statusCode === 403) || assert.fail(`${e.code} ${e.statusCode}`));
  });

  // The batch power actions respec's apply sends (BatchOptimization=SuccessFirst),
  // and the API's default AllTogether, through the V3 SDK (InstanceId.N).
  const statusOf = async (id) => (await getJson('/_emulator/instances')).find((x) => x.InstanceId === id).Status;
  await check('ecs20140526 (V3) StopInstances SuccessFirst: one InstanceResponse per instance', async () => {
    assert.ok(running.length >= 3, 'need a third running instance');
    const run = running[2].InstanceId;
    const stopped = running[1].InstanceId;  // stopped above
    const r = await ecs.stopInstancesWithOptions(new Ecs.StopInstancesRequest({
      regionId: region, instanceId: [run, stopped], batchOptimization: 'SuccessFirst' }), noRetry);
    assert.strictEqual(r.statusCode, 200);
    assert.ok(r.body.requestId);
    const list = r.body.instanceResponses.instanceResponse;
    assert.strictEqual(list.length, 2);
    assert.deepStrictEqual([list[0].instanceId, list[0].code, list[0].previousStatus, list[0].currentStatus],
                           [run, '200', 'Running', 'Stopping']);
    assert.deepStrictEqual([list[1].instanceId, list[1].code, list[1].previousStatus, list[1].currentStatus],
                           [stopped, 'IncorrectInstanceStatus', 'Stopped', 'Stopped']);
    assert.ok(list[1].message, 'the refusal has a message');
    await waitForStatus(run, 'Stopped');
  });

  await check('ecs20140526 (V3) StartInstances without BatchOptimization (AllTogether): one refusal refuses all', async () => {
    const run = running[2].InstanceId;  // Stopped: could start
    await assert.rejects(
      ecs.startInstancesWithOptions(new Ecs.StartInstancesRequest({
        regionId: region, instanceId: [run, running[0].InstanceId] }), noRetry),
      (e) => (e.code === 'IncorrectInstanceStatus' && e.statusCode === 403) || assert.fail(`${e.code} ${e.statusCode}`));
    assert.strictEqual(await statusOf(run), 'Stopped', 'AllTogether started nothing');
  });

  await check('ecs20140526 (V3) StartInstances SuccessFirst, then RebootInstances ForceReboot', async () => {
    const run = running[2].InstanceId;
    const s = await ecs.startInstancesWithOptions(new Ecs.StartInstancesRequest({
      regionId: region, instanceId: [run], batchOptimization: 'SuccessFirst' }), noRetry);
    const one = s.body.instanceResponses.instanceResponse;
    assert.deepStrictEqual([one.length, one[0].instanceId, one[0].code, one[0].currentStatus], [1, run, '200', 'Starting']);
    await waitForStatus(run, 'Running');
    const r = await ecs.rebootInstancesWithOptions(new Ecs.RebootInstancesRequest({
      regionId: region, instanceId: [run], batchOptimization: 'SuccessFirst', forceReboot: true }), noRetry);
    const two = r.body.instanceResponses.instanceResponse;
    assert.deepStrictEqual([two[0].instanceId, two[0].code, two[0].previousStatus], [run, '200', 'Running']);
    await waitForStatus(run, 'Running');
  });

  await check('ecs20140526 (V3) error: StopInstances with 101 instances -> InvalidParameter', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `i-conformance${i}`);
    await assert.rejects(
      ecs.stopInstancesWithOptions(new Ecs.StopInstancesRequest({
        regionId: region, instanceId: ids, batchOptimization: 'SuccessFirst' }), noRetry),
      (e) => (e.code === 'InvalidParameter' && e.statusCode === 400) || assert.fail(`${e.code} ${e.statusCode}`));
  });

  const stsUrl = new URL(process.env.RESPEC_STS_ENDPOINT);
  const stsRole = process.env.RESPEC_STS_ROLE;
  const sts = new Sts.default(new OpenApiCore.$OpenApiUtil.Config({
    accessKeyId: process.env.RESPEC_STS_KEY_ID,
    accessKeySecret: process.env.RESPEC_STS_KEY_SECRET,
    endpoint: stsUrl.host,
    protocol: 'http',
    regionId: region,
  }));
  let assumed = null;
  await check('sts20150401 (V3) AssumeRole', async () => {
    const r = await sts.assumeRoleWithOptions(
      new Sts.AssumeRoleRequest({ roleArn: stsRole, roleSessionName: 'conformance', durationSeconds: 900 }), noRetry);
    assumed = r.body.credentials;
    assert.ok(assumed.accessKeyId.startsWith('STS.'), 'AccessKeyId STS.*');
    assert.ok(assumed.accessKeySecret && assumed.securityToken && assumed.expiration, 'secret, token, expiration');
    assert.ok(r.body.assumedRoleUser.arn.startsWith(stsRole + '/'), 'AssumedRoleUser.Arn');
  });
  await check('ecs20140526 (V3) signed with the assumed STS credentials: DescribeRegions', async () => {
    const ecsSts = new Ecs.default(new OpenApi.Config({
      accessKeyId: assumed.accessKeyId,
      accessKeySecret: assumed.accessKeySecret,
      securityToken: assumed.securityToken,
      endpoint: stsUrl.host,
      protocol: 'http',
      regionId: region,
    }));
    const r = await ecsSts.describeRegionsWithOptions(new Ecs.DescribeRegionsRequest({}), noRetry);
    assert.ok(r.body.regions.region.length >= 1, 'regions');
  });
  await check('sts20150401 error: AssumeRole of an unknown role -> EntityNotExist.Role', async () => {
    await assert.rejects(
      sts.assumeRoleWithOptions(new Sts.AssumeRoleRequest({
        roleArn: 'acs:ram::1000000000000001:role/nobody', roleSessionName: 'conformance' }), noRetry),
      (e) => (e.code === 'EntityNotExist.Role' && e.statusCode === 404) || assert.fail(`${e.code} ${e.statusCode}`));
  });

  const stats = await getJson('/_emulator/stats');
  await check('stats count the calls', async () => {
    assert.ok(stats.requests.DescribeInstances >= 3);
    assert.ok(stats.errors.SignatureDoesNotMatch >= 2);
    for (const a of ['StopInstances', 'StartInstances', 'RebootInstances']) assert.ok(stats.requests[a] >= 1, a);
  });

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL conformance: ${e && e.stack ? e.stack : e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
