'use strict';
// Issue 6 compatibility: a merchant that integrates WeChat Pay API v3 (直连商户) with the wechatpay-axios-plugin SDK
// switches to Zhifu by changing only baseURL and its keys. Everything below is what a merchant's own code would do.
const test = require('node:test');
const assert = require('node:assert/strict');
const { wxpay, mchid, appid, merchantNo, notifyServer, decrypt, payAsZhangSan } = require('./support');

test('native order: create, pay in the wallet, verified + decrypted callback, query both ways', async () => {
  const notify = await notifyServer();
  try {
    const no = merchantNo('PAY');
    const created = await wxpay.v3.pay.transactions.native.post({
      appid, mchid, description: 'Image形象店-深圳腾大-QQ公仔', out_trade_no: no,
      notify_url: notify.url, amount: { total: 1, currency: 'CNY' },
    });
    assert.equal(created.status, 200);
    const code = new URL(created.data.code_url).searchParams.get('pr');
    assert.ok(code);

    await payAsZhangSan(code);

    const callback = await notify.next(15000);
    assert.equal(callback.body.event_type, 'TRANSACTION.SUCCESS');
    const transaction = decrypt(callback, 'transaction');
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
  const no = merchantNo('CLOSE');
  await wxpay.v3.pay.transactions.native.post({
    appid, mchid, description: '待关闭订单', out_trade_no: no,
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
