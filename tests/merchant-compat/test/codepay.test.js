'use strict';
// 付款码支付 through the SDK (PAY-2): the shop scans 张三's payment code, the charge waits for his password (USERPAYING), the
// shop queries until SUCCESS; a second charge of the same code is refused; an unconfirmed charge is reversed.
const test = require('node:test');
const assert = require('node:assert/strict');
const { wxpay, mchid, appid, merchantNo, zhangSan, apiError } = require('./support');

const charge = (outTradeNo, authCode, total) => wxpay.v3.pay.transactions.codepay.post({
  appid, mchid, description: '知付演示咖啡馆-收银台', out_trade_no: outTradeNo, payer: { auth_code: authCode },
  amount: { total, currency: 'CNY' }, scene_info: { store_info: { out_id: 'store-1' }, device_ip: '10.0.0.8' },
});
const query = (no) => wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({ params: { mchid }, out_trade_no: no });

test('payment code: charged once, confirmed in the wallet, then SUCCESS; the code cannot charge twice', async () => {
  const wallet = await zhangSan();
  const code = await wallet.paymentCode();
  assert.match(code, /^1[0-5]\d{16}$/);
  const no = merchantNo('CODE');
  const first = await charge(no, code, 3);
  assert.equal(first.status, 200);
  assert.equal(first.data.trade_state, 'USERPAYING');
  await assert.rejects(charge(merchantNo('CODE'), code, 3), apiError(400, 'INVALID_REQUEST'));

  const waiting = (await wallet.pending()).find((p) => p.amountFen === 3);
  assert.ok(waiting, 'the charge waits in the wallet');
  await wallet.pay(waiting.code, 3);
  const paid = await query(no);
  assert.equal(paid.data.trade_state, 'SUCCESS');
  assert.equal(paid.data.trade_type, 'MICROPAY');
});

test('payment code: an unconfirmed charge is reversed and reads REVOKED', async () => {
  const wallet = await zhangSan();
  const no = merchantNo('REV');
  await charge(no, await wallet.paymentCode(), 4);
  const reversed = await wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].reverse.post({ appid, mchid }, { out_trade_no: no });
  assert.equal(reversed.status, 200);
  assert.equal(reversed.data.out_trade_no, no);
  assert.equal((await query(no)).data.trade_state, 'REVOKED');
});
