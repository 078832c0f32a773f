'use strict';
// JSAPI, APP and H5 orders (PAY-2) through the SDK, paid in the wallet; the client-side 调起支付 signatures a merchant builds
// with the SDK's helpers over our prepay_id.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Rsa, Formatter } = require('wechatpay-axios-plugin');
const { wxpay, mchid, appid, privateKey, baseURL, merchantNo, notifyServer, decrypt, zhangSan } = require('./support');

const byOutTradeNo = (no) => wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({ params: { mchid }, out_trade_no: no });
const merchantPublicKey = crypto.createPublicKey(privateKey);

test('JSAPI order: payer.openid from the wallet, prepay_id, SDK paySign, paid by that payer, trade_type JSAPI', {
  timeout: 60000,
}, async () => {
  const notify = await notifyServer();
  try {
    const wallet = await zhangSan();
    const openid = await wallet.openid(appid);
    assert.ok(openid);
    const no = merchantNo('JSAPI');
    const created = await wxpay.v3.pay.transactions.jsapi.post({
      appid, mchid, description: '公众号商品', out_trade_no: no, notify_url: notify.url,
      amount: { total: 2, currency: 'CNY' }, payer: { openid },
    });
    assert.equal(created.status, 200);
    const prepayId = created.data.prepay_id;
    assert.ok(prepayId);

    // JSAPI调起支付: what the merchant's server hands to the page for WeixinJSBridge.invoke('getBrandWCPayRequest', ...)
    const timeStamp = `${Formatter.timestamp()}`;
    const nonceStr = Formatter.nonce();
    const packageValue = `prepay_id=${prepayId}`;
    const message = Formatter.joinedByLineFeed(appid, timeStamp, nonceStr, packageValue);
    assert.equal(message, `${appid}\n${timeStamp}\n${nonceStr}\nprepay_id=${prepayId}\n`);
    const paySign = Rsa.sign(message, privateKey);
    assert.equal(Rsa.verify(message, paySign, merchantPublicKey), true);

    await wallet.pay(prepayId, 2);
    const transaction = decrypt(await notify.next(15000), 'transaction');
    assert.equal(transaction.out_trade_no, no);
    assert.equal(transaction.trade_type, 'JSAPI');
    assert.equal(transaction.payer.openid, openid);

    const read = await byOutTradeNo(no);
    assert.equal(read.data.trade_state, 'SUCCESS');
    assert.equal(read.data.trade_type, 'JSAPI');
    assert.equal(read.data.payer.openid, openid);
  } finally {
    notify.close();
  }
});

test('APP order: prepay_id, SDK APP调起支付 sign, paid in the wallet, trade_type APP', { timeout: 60000 }, async () => {
  const wallet = await zhangSan();
  const no = merchantNo('APP');
  const created = await wxpay.v3.pay.transactions.app.post({
    appid, mchid, description: 'APP商品', out_trade_no: no, notify_url: 'http://127.0.0.1:9/notify', amount: { total: 3, currency: 'CNY' },
  });
  const prepayId = created.data.prepay_id;
  assert.ok(prepayId);
  const message = Formatter.joinedByLineFeed(appid, `${Formatter.timestamp()}`, Formatter.nonce(), prepayId);
  assert.equal(Rsa.verify(message, Rsa.sign(message, privateKey), merchantPublicKey), true);

  await wallet.pay(prepayId, 3);
  const read = await byOutTradeNo(no);
  assert.equal(read.data.trade_state, 'SUCCESS');
  assert.equal(read.data.trade_type, 'APP');
});

test('H5 order: h5_url on the called host, prepay_id from its query, paid in the wallet, trade_type MWEB', { timeout: 60000 }, async () => {
  const wallet = await zhangSan();
  const no = merchantNo('H5');
  const created = await wxpay.v3.pay.transactions.h5.post({
    appid, mchid, description: 'H5商品', out_trade_no: no, notify_url: 'http://127.0.0.1:9/notify', amount: { total: 4, currency: 'CNY' },
    scene_info: { payer_client_ip: '203.0.113.7', h5_info: { type: 'Wap' } },
  });
  const h5 = new URL(created.data.h5_url);
  assert.equal(h5.host, new URL(baseURL).host);
  assert.equal(h5.pathname, '/wallet/h5pay');
  const prepayId = h5.searchParams.get('prepay_id');
  assert.ok(prepayId);

  await wallet.pay(prepayId, 4);
  const read = await byOutTradeNo(no);
  assert.equal(read.data.trade_state, 'SUCCESS');
  assert.equal(read.data.trade_type, 'MWEB');
});
