'use strict';
// The official SelfCommunity JavaScript client, unchanged, against a real CleanUser server.
// Its ESM build cannot be imported by Node (directory imports), so the CommonJS build is required, as an app would.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { http, Endpoints, UserService, formatHttpErrorCode, generateJWTToken } = require('@selfcommunity/api-services');
const { startServer } = require('../support/server');
const { png } = require('../support/png');

const USER_KEYS = [
  'id', 'username', 'real_name', 'avatar', 'ext_id', 'followings_counter', 'followers_counter', 'posts_counter',
  'discussions_counter', 'polls_counter', 'connection_status', 'categories_counter', 'date_joined', 'bio', 'location',
  'location_lat_lng', 'position_lat_lng', 'date_of_birth', 'description', 'gender', 'website', 'cover', 'tags',
  'reputation', 'community_badge', 'reg_approved', 'deleted', 'company_name', 'company_role',
];
const ALICE = 1;
const BOB = 2;

let server;
let aliceToken;

/** Width and height from a JPEG's start-of-frame or a PNG's header. */
function dimensions(bytes) {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  for (let i = 2; i < bytes.length;) {
    const marker = bytes[i + 1];
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  throw new Error('not an image with a frame header');
}

async function fetchImage(url) {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}`);
  assert.match(response.headers.get('content-type'), /^image\/(jpeg|png)$/);
  assert.match(response.headers.get('cache-control'), /immutable/);
  return dimensions(Buffer.from(await response.arrayBuffer()));
}

/** Multipart exactly as the official UI sends it. */
function multipartPatch(id, field, value) {
  const formData = new FormData();
  formData.append(field, value);
  return http.request({
    url: Endpoints.UserPatch.url({ id }),
    method: Endpoints.UserPatch.method,
    headers: { 'Content-Type': 'multipart/form-data' },
    data: formData,
  });
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the request was expected to fail');
}

describe('the official client against CleanUser', () => {
  before(async () => {
    server = await startServer();
    aliceToken = server.projectToken(ALICE);
    http.setBasePortal(server.baseUrl);
    http.setAuthorizeToken(aliceToken);
  });

  after(async () => {
    await server?.stop();
  });

  it('the curl command the server prints at start-up works as printed', async () => {
    const line = server.output().split('\n').find((l) => l.startsWith('curl -i -X PATCH '));
    assert.ok(line, 'the start-up hint has a curl PATCH line');
    const url = /-X PATCH (\S+)/.exec(line)[1];
    const headers = Object.fromEntries([...line.matchAll(/-H '([^:]+): ([^']*)'/g)].map((m) => [m[1], m[2]]));
    const body = /-d '([^']*)'/.exec(line)[1];
    const response = await fetch(url, { method: 'PATCH', headers, body });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).bio, JSON.parse(body).bio);
  });

  it('getCurrentUser returns the caller with every documented key in order', async () => {
    const me = await UserService.getCurrentUser();
    assert.deepEqual(Object.keys(me), USER_KEYS);
    assert.equal(me.id, ALICE);
    assert.equal(me.connection_status, null);
    assert.ok(Array.isArray(me.tags) && me.tags.length > 0);
  });

  it('getSpecificUser returns another user with every documented key', async () => {
    const bob = await UserService.getSpecificUser(BOB);
    assert.deepEqual(Object.keys(bob), USER_KEYS);
    assert.equal(bob.id, BOB);
    assert.deepEqual(Object.keys(bob.tags[0]),
      ['id', 'active', 'name', 'type', 'description', 'color', 'visible', 'visibility_boost', 'created_at', 'deleted']);
  });

  it("accepts a token signed by the client's own generateJWTToken with the server's secret", async () => {
    const token = await generateJWTToken(ALICE, server.secret);
    http.setAuthorizeToken(token);
    try {
      assert.equal((await UserService.getCurrentUser()).id, ALICE);
    } finally {
      http.setAuthorizeToken(aliceToken);
    }
  });

  it("accepts the 'Token <jwt>' scheme the client's ApiClient sends with an accessToken", async () => {
    const response = await http.request({
      url: Endpoints.Me.url(),
      method: Endpoints.Me.method,
      headers: { Authorization: `Token ${aliceToken}` },
    });
    assert.equal(response.status, 200);
    assert.equal(response.data.id, ALICE);
  });

  it('userPatch with no data is a no-op that returns the unchanged user', async () => {
    const before = await UserService.getSpecificUser(ALICE);
    const after = await UserService.userPatch(ALICE);
    assert.deepEqual(after, before);
  });

  it('userPatch changes every writable text field, and reading back shows them', async () => {
    const data = {
      username: 'alice-compat',
      real_name: 'Alice Compat',
      bio: 'Line one\nLine two',
      location: 'Genova',
      location_lat_lng: '44.4056, 8.9463',
      position_lat_lng: '45.0703,7.6869',
      date_of_birth: '1990-04-05',
      description: 'Client compatibility',
      gender: 'female',
      website: 'https://compat.example/',
    };
    const patched = await UserService.userPatch(ALICE, data);
    const read = await UserService.getSpecificUser(ALICE);
    for (const user of [patched, read]) {
      assert.equal(user.username, 'alice-compat');
      assert.equal(user.real_name, 'Alice Compat');
      assert.equal(user.bio, 'Line one\nLine two');
      assert.equal(user.location, 'Genova');
      assert.equal(user.location_lat_lng, '44.4056,8.9463');
      assert.equal(user.position_lat_lng, '45.0703,7.6869');
      assert.equal(user.date_of_birth, '1990-04-05');
      assert.equal(user.description, 'Client compatibility');
      assert.equal(user.gender, 'Female');
      assert.equal(user.website, 'https://compat.example/');
    }
  });

  it('uploads and deletes a cover exactly as the official UI does', async () => {
    const uploaded = await multipartPatch(ALICE, 'cover', new Blob([png(2000, 500)], { type: 'image/png' }));
    assert.equal(uploaded.status, 200);
    assert.match(uploaded.data.cover, /^http:\/\/127\.0\.0\.1:\d+\//);
    const size = await fetchImage(uploaded.data.cover);
    assert.deepEqual(size, { width: 1600, height: 400 });

    const deleted = await multipartPatch(ALICE, 'cover', '');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.data.cover, null);
    assert.equal((await UserService.getSpecificUser(ALICE)).cover, null);
  });

  it('uploads and deletes an avatar exactly as the official UI does', async () => {
    const uploaded = await multipartPatch(ALICE, 'avatar', new Blob([png(800, 600, [20, 90, 200])], { type: 'image/png' }));
    assert.equal(uploaded.status, 200);
    const size = await fetchImage(uploaded.data.avatar);
    assert.deepEqual(size, { width: 512, height: 512 });

    const deleted = await multipartPatch(ALICE, 'avatar', '');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.data.avatar, null);
  });

  it('takes avatar_base64 through userPatch', async () => {
    const data = `data:image/png;base64,${png(300, 200, [10, 160, 60]).toString('base64')}`;
    const user = await UserService.userPatch(ALICE, { avatar_base64: data });
    assert.ok(user.avatar);
    assert.deepEqual(await fetchImage(user.avatar), { width: 200, height: 200 });
  });

  it("reports a taken username through the client's formatHttpErrorCode as usernameError: unique", async () => {
    const error = await rejection(UserService.userPatch(ALICE, { username: 'bob' }));
    assert.equal(error.response.status, 400);
    assert.deepEqual(formatHttpErrorCode(error), { usernameError: { error: 'unique' } });
  });

  it("reports an invalid website through the client's formatHttpErrorCode as websiteError: invalid", async () => {
    const error = await rejection(UserService.userPatch(ALICE, { website: 'not a url' }));
    assert.equal(error.response.status, 400);
    assert.deepEqual(formatHttpErrorCode(error), { websiteError: { error: 'invalid' } });
  });

  it("rejects patching another user's profile with 403", async () => {
    const error = await rejection(UserService.userPatch(BOB, { bio: 'not mine' }));
    assert.equal(error.response.status, 403);
    assert.deepEqual(formatHttpErrorCode(error), { error: 'permission_denied' });
  });

  it('rejects a request without a token with 401', async () => {
    http.setAuthorizeToken(null);
    try {
      const error = await rejection(UserService.getCurrentUser());
      assert.equal(error.response.status, 401);
      assert.match(error.response.headers['www-authenticate'], /^Bearer/);
      assert.deepEqual(formatHttpErrorCode(error), { error: 'not_authenticated' });
    } finally {
      http.setAuthorizeToken(aliceToken);
    }
  });
});
