'use strict';
// Shared setup of the merchant compatibility tests: the merchant's SDK client and keys (as a merchant configures them), its
// notify_url server, the wallet app of demo user 张三, and the merchant console sign-in. Not a test file (node --test only
// runs *.test.js).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { Wechatpay, Rsa, Aes, Formatter } = require('wechatpay-axios-plugin');

const dir = path.join(process.env.ZHIFU_DATA, 'demo', 'merchant');
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const mchid = read('mchid');
const serial = read('serial');
const privateKey = Rsa.from(read('apiclient_key.pem'), Rsa.KEY_TYPE_PRIVATE);
const platformKeyId = read('platform_public_key_id');
const platformPublicKey = Rsa.from(read('platform_public_key.pem'), Rsa.KEY_TYPE_PUBLIC);
const apiv3Key = read('apiv3_key');
const baseURL = process.env.ZHIFU_BASE_URL || read('base_url');
const appid = 'wxd678efh567hg6787';

/** The merchant's SDK client (axios timeout: every API call ends within 15 s); another private key gives a misconfigured one. */
function client(options = {}) {
  return new Wechatpay({
    mchid,
    serial,
    privateKey,
    certs: { [platformKeyId]: platformPublicKey },
    baseURL,
    timeout: 15000,
    ...options,
  });
}

const wxpay = client();

/** A new unique out_trade_no / out_refund_no (letters and digits, ≤ 32). */
let sequence = 0;
const merchantNo = (tag) => `COMPAT${tag}${Date.now()}${process.pid % 1000}${sequence++}`.slice(0, 32);

/**
 * The merchant's notify_url: verifies the platform signature, answers 204 (401 when it does not verify) and keeps what came.
 * next(ms) takes the oldest callback; next(ms, match) the oldest whose envelope matches (e.g. by event_type).
 */
function notifyServer() {
  const received = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const h = req.headers;
      const verified = h['wechatpay-serial'] === platformKeyId && Rsa.verify(
        Formatter.response(h['wechatpay-timestamp'], h['wechatpay-nonce'], body), h['wechatpay-signature'], platformPublicKey,
      );
      received.push({ verified, body: JSON.parse(body) });
      res.writeHead(verified ? 204 : 401).end();
      for (const wake of waiters.slice()) wake();
    });
  });
  const take = (match) => {
    const i = received.findIndex((c) => !match || match(c.body));
    return i < 0 ? undefined : received.splice(i, 1)[0];
  };
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/wxpay/notify`,
      next: (ms, match) => {
        const found = take(match);
        if (found) return Promise.resolve(found);
        return new Promise((ok, fail) => {
          const wake = () => {
            const c = take(match);
            if (c) { done(); ok(c); }
          };
          const timer = setTimeout(() => { done(); fail(new Error(`no callback within ${ms} ms`)); }, ms);
          const done = () => { clearTimeout(timer); waiters.splice(waiters.indexOf(wake), 1); };
          waiters.push(wake);
        });
      },
      close: () => { server.closeAllConnections?.(); server.close(); },
    }));
  });
}

/** The decrypted resource of a callback, after checking its envelope (a merchant decrypts with its APIv3 key). */
function decrypt(callback, originalType) {
  assert.equal(callback.verified, true, 'callback signature verifies with the platform public key');
  assert.equal(callback.body.resource_type, 'encrypt-resource');
  const { ciphertext, nonce, associated_data: aad, algorithm, original_type: type } = callback.body.resource;
  assert.equal(algorithm, 'AEAD_AES_256_GCM');
  if (originalType) assert.equal(type, originalType);
  return JSON.parse(Aes.AesGcm.decrypt(ciphertext, apiv3Key, nonce, aad));
}

/** The decrypted resource of a callback envelope, or null when it does not decrypt (for picking callbacks out). */
function plaintext(envelope) {
  try {
    const { ciphertext, nonce, associated_data: aad } = envelope.resource;
    return JSON.parse(Aes.AesGcm.decrypt(ciphertext, apiv3Key, nonce, aad));
  } catch {
    return null;
  }
}

/** A bounded fetch against the server (every request of these tests ends within 15 s). */
const call = (url, init = {}) => fetch(new URL(url, baseURL), { signal: AbortSignal.timeout(15000), ...init });

const json = (method, body, headers = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The wallet app of demo user 张三 (signed in): openid for an app, look at a code / prepay_id, pay it. */
async function zhangSan() {
  const session = await call('/api/wallet/sessions', json('POST', { phone: '13800138001', password: 'Demo@2026' }));
  assert.equal(session.status, 200, await session.clone().text());
  const { token } = await session.json();
  const auth = { authorization: `Bearer ${token}` };
  return {
    async openid(app) {
      const answer = await call(`/api/wallet/payments/openid?appid=${encodeURIComponent(app)}`, { headers: auth });
      assert.equal(answer.status, 200, await answer.clone().text());
      return (await answer.json()).openid;
    },
    async show(code) {
      const shown = await call(`/api/wallet/payments/${encodeURIComponent(code)}`, { headers: auth });
      assert.equal(shown.status, 200, await shown.clone().text());
      return shown.json();
    },
    /** A fresh payment code (付款码) for a shop's scanner. */
    async paymentCode() {
      const answer = await call('/api/wallet/me/payment-code', { method: 'POST', headers: auth });
      assert.equal(answer.status, 200, await answer.clone().text());
      return (await answer.json()).authCode;
    },
    /** Charges made with 张三's payment code that wait for the payment password. */
    async pending() {
      const answer = await call('/api/wallet/me/payment-code/pending', { headers: auth });
      assert.equal(answer.status, 200, await answer.clone().text());
      return answer.json();
    },
    /** Looks at the order (it must ask amountFen and be payable), then pays it with the payment password. */
    async pay(code, amountFen) {
      const order = await this.show(code);
      assert.equal(order.amountFen, amountFen);
      assert.equal(order.payable, true);
      const paid = await call(`/api/wallet/payments/${encodeURIComponent(code)}/pay`, json('POST', { paymentPassword: '147258' }, auth));
      assert.equal(paid.status, 200, await paid.clone().text());
      return paid.json();
    },
  };
}

/** Pays a code (or prepay_id) as 张三. */
async function payAsZhangSan(code, amountFen = 1) {
  return (await zhangSan()).pay(code, amountFen);
}

/** A merchant console session (cookie sign-in with the captcha, MER-2; run.sh starts the server with the fixed code
 * E2E42): the set-cookie answers are sent back on every call. */
async function staff(username) {
  const challenge = await call('/api/merchant/auth/captcha');
  assert.equal(challenge.status, 200);
  const captchaCookie = challenge.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const login = await call('/api/merchant/auth/login',
    json('POST', { username, password: 'Shop@2026', captcha: 'E2E42' }, { cookie: captchaCookie }));
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  assert.ok(cookie.includes('zhifu.merchant='), 'the sign-in sets the console cookie');
  return {
    session: await login.json(),
    send: (method, url, body) => call(url, body === undefined ? { method, headers: { cookie } } : json(method, body, { cookie })),
  };
}

/** The SDK's rejection carries the API's answer: status and error code. */
const apiError = (status, code) => (error) => {
  assert.ok(error.response, `expected an API answer, got ${error}`);
  assert.equal(error.response.status, status, JSON.stringify(error.response.data));
  assert.equal(error.response.data.code, code);
  return true;
};

module.exports = {
  mchid, serial, privateKey, platformKeyId, platformPublicKey, apiv3Key, baseURL, appid,
  client, wxpay, merchantNo, notifyServer, decrypt, plaintext, zhangSan, payAsZhangSan, staff, apiError, call,
};
