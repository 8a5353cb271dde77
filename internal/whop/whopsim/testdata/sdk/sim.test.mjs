// Whop's official TypeScript SDK against the simulator. Run by
// TestOfficialSDK (sdk_test.go), which starts the simulator, makes it send
// one webhook of every type it knows, and passes what the test needs in the
// environment:
//
//   WHOPSIM_BASE_URL        the simulator's API base, .../api/v1
//   WHOPSIM_API_KEY         a company API key, WHOPSIM_COMPANY_ID its company
//   WHOPSIM_PINNED_VERSION  Roster's pinned Api-Version-Date
//   WHOPSIM_COUNTS          JSON: how many records each list must yield
//   WHOPSIM_WEBHOOKS        a JSON file of delivered webhooks [{headers, body}]
//   WHOPSIM_WEBHOOK_SECRET  the ws_ secret they were signed with
//   WHOPSIM_EVENT_TYPES     JSON: the webhook types that were sent
//
// Every object is checked against the shape the SDK's own type declarations
// give (sdktypes.mjs): required fields present, no field the SDK does not
// type, null only where the type admits it, scalars of the SDK's JSON type,
// enum values the SDK knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Whop from '@whop/sdk';
import { defaultVersion, requiredShape, sdkVersion } from './sdktypes.mjs';

const env = (name) => {
  const v = process.env[name];
  assert.ok(v, `${name} is not set: run this through go test ./internal/whop/whopsim -run TestOfficialSDK`);
  return v;
};
const baseURL = env('WHOPSIM_BASE_URL');
const apiKey = env('WHOPSIM_API_KEY');
const companyID = env('WHOPSIM_COMPANY_ID');
const pinned = env('WHOPSIM_PINNED_VERSION');
const counts = JSON.parse(env('WHOPSIM_COUNTS'));
const deliveries = JSON.parse(readFileSync(env('WHOPSIM_WEBHOOKS'), 'utf8'));
const webhookKey = Buffer.from(env('WHOPSIM_WEBHOOK_SECRET'), 'utf8').toString('base64');

// conform lists how value departs from shape (see sdktypes.mjs).
function conform(value, shape, path) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
  const problems = [];
  for (const f of shape.required) if (!(f in value)) problems.push(`${path}.${f}: missing (required)`);
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}.${k}`;
    if (!shape.fields.includes(k)) {
      problems.push(`${at}: not a field the SDK types`);
      continue;
    }
    if (v === null) {
      if (!shape.nullable.includes(k)) problems.push(`${at}: null, but the SDK types it non-null`);
      continue;
    }
    if (shape.types[k] && typeof v !== shape.types[k]) problems.push(`${at}: ${JSON.stringify(v)} is not a ${shape.types[k]}`);
    if (shape.enums[k] && !shape.enums[k].includes(v)) problems.push(`${at}: ${JSON.stringify(v)} is not one of the SDK's values`);
    const sub = shape.nested[k];
    if (!sub) continue;
    if (sub.array) {
      if (!Array.isArray(v)) problems.push(`${at}: not an array`);
      else v.forEach((x, i) => problems.push(...conform(x, sub, `${at}[${i}]`)));
    } else {
      problems.push(...conform(v, sub, at));
    }
  }
  return problems;
}

function assertConforms(value, shape, what) {
  const problems = conform(value, shape, what);
  assert.deepEqual(problems, [], `${what} departs from @whop/sdk ${sdkVersion}'s type:\n${problems.join('\n')}`);
}

// The resources the simulator serves: how the SDK lists and retrieves
// each, and the SDK types of a list item and of a retrieved object.
const resources = [
  { name: 'memberships', list: (c) => c.memberships.list({ company_id: companyID, first: 25 }), get: (c, id) => c.memberships.retrieve(id),
    item: ['memberships', 'MembershipListResponse'], one: ['shared', 'Membership'] },
  { name: 'members', list: (c) => c.members.list({ company_id: companyID, first: 25 }), get: (c, id) => c.members.retrieve(id),
    item: ['members', 'MemberListResponse'], one: ['members', 'MemberRetrieveResponse'] },
  { name: 'products', list: (c) => c.products.list({ account_id: companyID, first: 2 }), get: (c, id) => c.products.retrieve(id),
    item: ['shared', 'ProductListItem'], one: ['shared', 'Product'] },
  { name: 'plans', list: (c) => c.plans.list({ account_id: companyID, first: 4 }), get: (c, id) => c.plans.retrieve(id),
    item: ['plans', 'PlanListResponse'], one: ['shared', 'Plan'] },
  { name: 'payments', list: (c) => c.payments.list({ company_id: companyID, first: 50 }), get: (c, id) => c.payments.retrieve(id),
    item: ['payments', 'PaymentListResponse'], one: ['shared', 'Payment'] },
];

test('the shapes are read from the SDK', () => {
  // Guards the reader: a parse that lost fields would make every check pass.
  const m = requiredShape('shared', 'Membership');
  for (const f of ['id', 'status', 'company', 'member', 'plan', 'product', 'user', 'renewal_period_end', 'checkout_configuration_id', 'custom_field_responses']) {
    assert.ok(m.required.includes(f), `Membership.required lacks ${f}: ${m.required}`);
  }
  assert.deepEqual(m.nested.user.required, ['email', 'id', 'name', 'username']);
  assert.ok(m.enums.status.includes('canceling'));
  assert.ok(requiredShape('shared', 'Payment').required.length >= 40);
  assert.match(defaultVersion(), /^\d{4}-\d{2}-\d{2}$/);
});

for (const version of [...new Set([defaultVersion(), pinned])]) {
  const label = version === defaultVersion() ? `the SDK's default ${version}` : `Roster's pinned ${version}`;
  // No version option for the SDK's default: the client sends its own.
  const client = new Whop({ apiKey, baseURL, webhookKey, maxRetries: 0, ...(version === defaultVersion() ? {} : { version }) });

  test(`list and retrieve every resource at ${label}`, async (t) => {
    const userIDs = new Set();
    for (const r of resources) {
      await t.test(r.name, async () => {
        const itemShape = requiredShape(...r.item);
        const oneShape = requiredShape(...r.one);
        const ids = [];
        for await (const item of r.list(client)) {
          assertConforms(item, itemShape, `${r.name} list item ${item.id}`);
          ids.push(item.id);
          if (item.user?.id) userIDs.add(item.user.id);
        }
        assert.equal(new Set(ids).size, ids.length, `${r.name}: auto-pagination repeated an item`);
        assert.equal(ids.length, counts[r.name], `${r.name}: auto-pagination yielded ${ids.length}; the simulator holds ${counts[r.name]}`);
        for (const id of ids) {
          const one = await r.get(client, id);
          assert.equal(one.id, id);
          assertConforms(one, oneShape, `${r.name}/${id}`);
        }
      });
    }
    await t.test('users', async () => {
      assert.ok(userIDs.size >= counts.members, `only ${userIDs.size} users seen in the lists`);
      const shape = requiredShape('users', 'User');
      for (const id of userIDs) assertConforms(await client.users.retrieve(id), shape, `users/${id}`);
    });
  });
}

test('an unknown Api-Version-Date is refused with Whop\'s error', async () => {
  const client = new Whop({ apiKey, baseURL, maxRetries: 0, version: '2024-13-45' });
  await assert.rejects(client.products.list({ account_id: companyID }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.error?.error?.type, 'invalid_request');
    return true;
  });
});

test('webhooks verify with webhooks.unwrap and match the SDK event types', () => {
  const client = new Whop({ apiKey, baseURL, webhookKey });
  const seen = new Set();
  assert.ok(deliveries.length > 0, 'no webhooks were delivered');
  for (const d of deliveries) {
    const event = client.webhooks.unwrap(d.body, { headers: d.headers });
    seen.add(event.type);
    const typeName = event.type.split(/[._]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('') + 'WebhookEvent';
    assertConforms(event, requiredShape('webhooks', typeName), `${event.type} webhook ${event.id}`);
    const tampered = d.body.replace('"type"', '"type" ');
    assert.throws(() => client.webhooks.unwrap(tampered, { headers: d.headers }), /signature/i, 'a changed body must not verify');
  }
  assert.deepEqual([...seen].sort(), JSON.parse(env('WHOPSIM_EVENT_TYPES')).sort(), 'not every event type the simulator sends was delivered');
});
