'use strict';
// Refunds (退款申请, 查询单笔退款, REFUND.* callbacks) through the SDK, and refund review in the merchant console.
// ALL refund tests live in this one file on purpose: node --test runs files in parallel processes, but the tests of one
// file one after another, and refund review is a merchant-wide switch — a refund made in another file while the review
// test has it on would answer PROCESSING. Keep new refund tests here.
const test = require('node:test');
const assert = require('node:assert/strict');
const { wxpay, mchid, appid, merchantNo, notifyServer, decrypt, plaintext, payAsZhangSan, staff, apiError } = require('./support');

const refunds = wxpay.v3.refund.domestic.refunds;
const query = (outRefundNo) => refunds['{out_refund_no}'].get({ out_refund_no: outRefundNo });

/** A native order of totalFen paid by 张三; its TRANSACTION.SUCCESS callback taken. Answers the decrypted transaction. */
async function paidOrder(notify, tag, totalFen) {
  const outTradeNo = merchantNo(tag);
  const created = await wxpay.v3.pay.transactions.native.post({
    appid, mchid, description: '退款测试商品', out_trade_no: outTradeNo, notify_url: notify.url, amount: { total: totalFen, currency: 'CNY' },
  });
  await payAsZhangSan(new URL(created.data.code_url).searchParams.get('pr'), totalFen);
  const transaction = decrypt(await notify.next(15000, (e) => e.event_type === 'TRANSACTION.SUCCESS'), 'transaction');
  assert.equal(transaction.out_trade_no, outTradeNo);
  return transaction;
}

/** The REFUND.SUCCESS callback of one refund, verified and decrypted. */
async function refundCallback(notify, outRefundNo) {
  const callback = await notify.next(15000, (e) => e.event_type === 'REFUND.SUCCESS' && plaintext(e)?.out_refund_no === outRefundNo);
  return decrypt(callback, 'refund');
}

test('refunds: partial by out_trade_no (idempotent), partial by transaction_id, over-refund refused, query, callbacks', {
  timeout: 90000,
}, async () => {
  const notify = await notifyServer();
  try {
    const paid = await paidOrder(notify, 'RFD', 300);
    const first = merchantNo('RF1');
    const request = {
      out_trade_no: paid.out_trade_no, out_refund_no: first, reason: '商品已售完', notify_url: notify.url,
      amount: { refund: 100, total: 300, currency: 'CNY' },
    };
    const applied = await refunds.post(request);
    assert.equal(applied.status, 200);
    assert.equal(applied.data.status, 'SUCCESS');
    assert.match(applied.data.refund_id, /^\d{29}$/);
    assert.equal(applied.data.out_refund_no, first);
    assert.equal(applied.data.transaction_id, paid.transaction_id);
    assert.equal(applied.data.out_trade_no, paid.out_trade_no);
    assert.equal(applied.data.amount.refund, 100);
    assert.equal(applied.data.amount.total, 300);
    assert.equal(applied.data.amount.currency, 'CNY');

    // PAY-6: the same out_refund_no (same content) answers the same refund, and refunds nothing more
    const again = await refunds.post(request);
    assert.equal(again.data.refund_id, applied.data.refund_id);
    assert.equal(again.data.status, 'SUCCESS');

    const second = merchantNo('RF2');
    const byId = await refunds.post({
      transaction_id: paid.transaction_id, out_refund_no: second, notify_url: notify.url,
      amount: { refund: 150, total: 300, currency: 'CNY' },
    });
    assert.equal(byId.data.status, 'SUCCESS');
    assert.notEqual(byId.data.refund_id, applied.data.refund_id);
    assert.equal(byId.data.out_trade_no, paid.out_trade_no);

    // 300 − 100 − 150 = 50 left: 51 is too much
    await assert.rejects(refunds.post({
      out_trade_no: paid.out_trade_no, out_refund_no: merchantNo('RF3'), notify_url: notify.url,
      amount: { refund: 51, total: 300, currency: 'CNY' },
    }), apiError(400, 'INVALID_REQUEST'));

    const read = await query(first);
    assert.equal(read.status, 200);
    assert.equal(read.data.refund_id, applied.data.refund_id);
    assert.equal(read.data.status, 'SUCCESS');
    assert.ok(read.data.success_time, 'a successful refund has its success_time');
    assert.equal(read.data.amount.refund, 100);
    assert.equal((await query(second)).data.amount.refund, 150);
    await assert.rejects(query('NOSUCHREFUND0001'), apiError(404, 'RESOURCE_NOT_EXISTS'));

    for (const [outRefundNo, fen, refundId] of [[first, 100, applied.data.refund_id], [second, 150, byId.data.refund_id]]) {
      const notice = await refundCallback(notify, outRefundNo);
      assert.equal(notice.mchid, mchid);
      assert.equal(notice.refund_id, refundId);
      assert.equal(notice.refund_status, 'SUCCESS');
      assert.equal(notice.out_trade_no, paid.out_trade_no);
      assert.equal(notice.transaction_id, paid.transaction_id);
      assert.deepEqual(notice.amount, { total: 300, refund: fen, payer_total: 300, payer_refund: fen });
    }
  } finally {
    notify.close();
  }
});

test('refund review: on, the SDK refund is PROCESSING until finance approves in the console, then SUCCESS and a callback', {
  timeout: 90000,
}, async () => {
  const notify = await notifyServer();
  const admin = await staff('cafe-admin');
  assert.equal(admin.session.role, 'admin');
  try {
    const paid = await paidOrder(notify, 'RVW', 200);
    const on = await admin.send('PUT', '/api/merchant/settings/refund-review', { required: true });
    assert.equal(on.status, 200, await on.clone().text());
    assert.deepEqual(await on.json(), { required: true });

    const outRefundNo = merchantNo('RV1');
    const applied = await refunds.post({
      out_trade_no: paid.out_trade_no, out_refund_no: outRefundNo, notify_url: notify.url,
      amount: { refund: 80, total: 200, currency: 'CNY' },
    });
    assert.equal(applied.data.status, 'PROCESSING');
    assert.equal((await query(outRefundNo)).data.status, 'PROCESSING');

    const cashier = await staff('cafe-cashier');
    const refused = await cashier.send('POST', `/api/merchant/refunds/${applied.data.refund_id}/approve`, { note: '收银员不能审核' });
    assert.equal(refused.status, 403);

    const finance = await staff('cafe-finance');
    const approved = await finance.send('POST', `/api/merchant/refunds/${applied.data.refund_id}/approve`, { note: '顾客退货已收' });
    assert.equal(approved.status, 200, await approved.clone().text());
    const decided = await approved.json();
    assert.equal(decided.status, 'SUCCESS');
    assert.equal(decided.review, 'approved');

    const read = await query(outRefundNo);
    assert.equal(read.data.status, 'SUCCESS');
    assert.equal(read.data.refund_id, applied.data.refund_id);
    const notice = await refundCallback(notify, outRefundNo);
    assert.equal(notice.refund_status, 'SUCCESS');
    assert.equal(notice.refund_id, applied.data.refund_id);
    assert.deepEqual(notice.amount, { total: 200, refund: 80, payer_total: 200, payer_refund: 80 });
  } finally {
    notify.close();
    // review is merchant-wide: always switch it off again, and make sure it is off
    const off = await admin.send('PUT', '/api/merchant/settings/refund-review', { required: false });
    assert.equal(off.status, 200, await off.clone().text());
    const setting = await admin.send('GET', '/api/merchant/settings/refund-review');
    assert.deepEqual(await setting.json(), { required: false });
  }
});

test('refunds: with review off again a refund succeeds at once', { timeout: 60000 }, async () => {
  const notify = await notifyServer();
  try {
    const paid = await paidOrder(notify, 'RFA', 100);
    const applied = await refunds.post({
      transaction_id: paid.transaction_id, out_refund_no: merchantNo('RF4'), notify_url: notify.url,
      amount: { refund: 100, total: 100, currency: 'CNY' },
    });
    assert.equal(applied.data.status, 'SUCCESS');
  } finally {
    notify.close();
  }
});
