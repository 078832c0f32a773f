'use strict';
// Issue 6 compatibility: a merchant that integrates WeChat Pay API v3 (直连商户) with the wechatpay-axios-plugin SDK
// switches to Zhifu by changing only baseURL and its keys. Everything below is what a merchant's own code would do.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { Wechatpay, Rsa, Aes, Formatter } = require('wechatpay-axios-plugin');

const dir = path.join(process.env.ZHIFU_DATA, 'demo', 'merchant');
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const mchid = read('mchid');
const platformKeyId = read('platform_public_key_id');
const platformPublicKey = Rsa.from(read('platform_public_key.pem'), Rsa.KEY_TYPE_PUBLIC);
const apiv3Key = read('apiv3_key');
const baseURL = process.env.ZHIFU_BASE_URL || read('base_url');

const wxpay = new Wechatpay({
  mchid,
  serial: read('serial'),
  privateKey: Rsa.from(read('apiclient_key.pem'), Rsa.KEY_TYPE_PRIVATE),
  certs: { [platformKeyId]: platformPublicKey },
  baseURL,
});

/** The merchant's notify_url: verifies the platform signature, decrypts the resource, answers 204. */
function notifyServer() {
  const received = [];
  let wake;
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
      if (wake) wake();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/wxpay/notify`,
      next: (ms) => (received.length ? Promise.resolve(received.shift()) : new Promise((ok, fail) => {
        const timer = setTimeout(() => fail(new Error('no callback')), ms);
        wake = () => { clearTimeout(timer); wake = null; ok(received.shift()); };
      })),
      close: () => server.close(),
    }));
  });
}

/** The wallet app of demo user 张三: sign in, look at the scanned code, pay with the payment password. */
async function payAsZhangSan(code) {
  const post = (url, body, token) => fetch(new URL(url, baseURL), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const session = await post('/api/wallet/sessions', { phone: '13800138001', password: 'Demo@2026' });
  assert.equal(session.status, 200);
  const { token } = await session.json();
  const shown = await fetch(new URL(`/api/wallet/payments/${code}`, baseURL), { headers: { authorization: `Bearer ${token}` } });
  const order = await shown.json();
  assert.equal(order.amountFen, 1);
  assert.equal(order.payable, true);
  const paid = await post(`/api/wallet/payments/${code}/pay`, { paymentPassword: '147258' }, token);
  assert.equal(paid.status, 200, await paid.clone().text());
  return paid.json();
}

const outTradeNo = (tag) => `COMPAT${tag}${Date.now()}`;

test('native order: create, pay in the wallet, verified + decrypted callback, query both ways', async () => {
  const notify = await notifyServer();
  try {
    const no = outTradeNo('PAY');
    const created = await wxpay.v3.pay.transactions.native.post({
      appid: 'wxd678efh567hg6787', mchid, description: 'Image形象店-深圳腾大-QQ公仔', out_trade_no: no,
      notify_url: notify.url, amount: { total: 1, currency: 'CNY' },
    });
    assert.equal(created.status, 200);
    const code = new URL(created.data.code_url).searchParams.get('pr');
    assert.ok(code);

    await payAsZhangSan(code);

    const callback = await notify.next(15000);
    assert.equal(callback.verified, true);
    assert.equal(callback.body.event_type, 'TRANSACTION.SUCCESS');
    assert.equal(callback.body.resource_type, 'encrypt-resource');
    const { ciphertext, nonce, associated_data: aad, algorithm } = callback.body.resource;
    assert.equal(algorithm, 'AEAD_AES_256_GCM');
    const transaction = JSON.parse(Aes.AesGcm.decrypt(ciphertext, apiv3Key, nonce, aad));
    assert.equal(transaction.out_trade_no, no);
    assert.equal(transaction.trade_state, 'SUCCESS');
    assert.equal(transaction.amount.total, 1);

    const byNo = await wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({ params: { mchid }, out_trade_no: no });
    assert.equal(byNo.data.trade_state, 'SUCCESS');
    assert.equal(byNo.data.transaction_id, transaction.transaction_id);
    const byId = await wxpay.v3.pay.transactions.id['{transaction_id}'].get({
      params: { mchid }, transaction_id: transaction.transaction_id,
    });
    assert.equal(byId.data.out_trade_no, no);
    assert.equal(byId.data.success_time, transaction.success_time);
  } finally {
    notify.close();
  }
});

test('native order: close another order, then it reads CLOSED; unknown orders are ORDER_NOT_EXIST', async () => {
  const no = outTradeNo('CLOSE');
  await wxpay.v3.pay.transactions.native.post({
    appid: 'wxd678efh567hg6787', mchid, description: '待关闭订单', out_trade_no: no,
    notify_url: 'http://127.0.0.1:9/notify', amount: { total: 100, currency: 'CNY' },
  });
  const closed = await wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].close.post({ mchid }, { out_trade_no: no });
  assert.equal(closed.status, 204);
  const read = await wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({ params: { mchid }, out_trade_no: no });
  assert.equal(read.data.trade_state, 'CLOSED');
  await assert.rejects(
    wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({ params: { mchid }, out_trade_no: 'NOSUCHORDER1' }),
    (error) => error.response.status === 404 && error.response.data.code === 'ORDER_NOT_EXIST',
  );
});
