'use strict';
// What a misconfigured merchant or a bad order gets through the SDK: the API's own error (signed, so the SDK surfaces it).
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Rsa } = require('wechatpay-axios-plugin');
const { client, wxpay, mchid, appid, merchantNo, apiError } = require('./support');

const order = (total) => ({
  appid, mchid, description: '拒绝测试', out_trade_no: merchantNo('REF'), notify_url: 'http://127.0.0.1:9/notify',
  amount: { total, currency: 'CNY' },
});

test('a request signed with another private key (same serial) is 401 SIGN_ERROR', { timeout: 30000 }, async () => {
  const { privateKey: pem } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const wrong = client({ privateKey: Rsa.from(pem, Rsa.KEY_TYPE_PRIVATE) });
  await assert.rejects(wrong.v3.pay.transactions.native.post(order(1)), apiError(401, 'SIGN_ERROR'));
  await assert.rejects(wrong.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({ params: { mchid }, out_trade_no: 'NOSUCHORDER1' }),
    apiError(401, 'SIGN_ERROR'));
});

test('amount.total 0 is 400 PARAM_ERROR', { timeout: 30000 }, async () => {
  await assert.rejects(wxpay.v3.pay.transactions.native.post(order(0)), apiError(400, 'PARAM_ERROR'));
});
