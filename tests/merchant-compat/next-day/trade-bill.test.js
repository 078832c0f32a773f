'use strict';
// The day after (run.sh restarts the server and runs this under libfaketime one day ahead): yesterday's trade bill through
// the SDK — 申请交易账单, then the download URL fetched as the SDK documents it (no response verification, raw bytes), the
// SHA1 compared, the CSV cast with the SDK's own Formatter.castCsvBill, and the gzip form.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { Formatter } = require('wechatpay-axios-plugin');
const { wxpay, mchid, apiError } = require('../test/support');

/** Yesterday in China time (UTC+8), as bill_date wants it. */
const yesterday = () => new Date(Date.now() + 8 * 3600e3 - 24 * 3600e3).toISOString().slice(0, 10);

async function download(url) {
  const { pathname, searchParams } = new URL(url);
  assert.equal(pathname, '/v3/billdownload/file');
  const answer = await wxpay.v3.billdownload.file.get({
    params: Object.fromEntries(searchParams), responseType: 'arraybuffer', transformResponse: [],
  });
  assert.equal(answer.status, 200);
  return Buffer.from(answer.data);
}

test("yesterday's ALL bill: hash matches, the SDK casts it, every payment row is this merchant's", async () => {
  const applied = await wxpay.v3.bill.tradebill.get({ params: { bill_date: yesterday(), bill_type: 'ALL' } });
  assert.equal(applied.data.hash_type, 'SHA1');
  const csv = await download(applied.data.download_url);
  assert.equal(crypto.createHash('sha1').update(csv).digest('hex'), applied.data.hash_value);
  const { rows, summary } = Formatter.castCsvBill(csv);
  assert.ok(rows.length > 0, 'yesterday the other tests paid and refunded');
  assert.equal(Object.keys(rows[0]).length, 27);
  assert.ok(rows.every((row) => row['商户号'] === mchid));
  assert.ok(rows.some((row) => row['交易状态'] === 'SUCCESS' && row['交易类型'] === 'NATIVE'));
  assert.ok(rows.some((row) => row['交易状态'] === 'REFUND' && row['退款状态'] === 'SUCCESS'));
  assert.equal(Number(summary['总交易单数']), rows.length);
  const refunded = rows.reduce((sum, row) => sum + Math.round(Number(row['退款金额']) * 100), 0);
  assert.equal(Math.round(Number(summary['退款总金额']) * 100), refunded);
});

test("yesterday's REFUND bill gzipped: the hash is of the CSV inside, 29 columns", async () => {
  const applied = await wxpay.v3.bill.tradebill.get({ params: { bill_date: yesterday(), bill_type: 'REFUND', tar_type: 'GZIP' } });
  const csv = zlib.gunzipSync(await download(applied.data.download_url));
  assert.equal(crypto.createHash('sha1').update(csv).digest('hex'), applied.data.hash_value);
  const { rows } = Formatter.castCsvBill(csv);
  assert.ok(rows.length > 0);
  assert.equal(Object.keys(rows[0]).length, 29);
  assert.ok(rows.every((row) => row['交易状态'] === 'REFUND'));
});

test("today's bill is not made yet, and a day without trades has none", async () => {
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  await assert.rejects(wxpay.v3.bill.tradebill.get({ params: { bill_date: today } }), apiError(400, 'STATEMENT_CREATING'));
  const before = new Date(Date.now() + 8 * 3600e3 - 3 * 24 * 3600e3).toISOString().slice(0, 10);
  await assert.rejects(wxpay.v3.bill.tradebill.get({ params: { bill_date: before } }), apiError(400, 'NO_STATEMENT_EXIST'));
});
