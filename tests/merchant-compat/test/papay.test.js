'use strict';
// 委托代扣 (entrusted debit, PWL-1 … PWL-5) through the real SDK, as a merchant's code would drive it: pre-sign, the user
// signs in the wallet, the PAPAY.SIGN callback (verified, decrypted), query the contract, charge under it
// (/v3/papay/pay/transactions/apply → TRANSACTION.SUCCESS, trade_type PAP), terminate it (PAPAY.TERMINATE), and a charge
// after that refused. An operator first makes the demo café eligible (off by default, PWL-3).
const test = require('node:test');
const assert = require('node:assert/strict');
const { wxpay, mchid, appid, merchantNo, notifyServer, decrypt, call, apiError } = require('./support');

const json = (method, body, headers = {}) => ({ method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function makeEligible() {
  const login = await call('/api/ops/auth/login', json('POST', { username: 'ops', password: 'Zhifu@2026' }));
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const terms = await call(`/api/ops/merchants/${mchid}/terms`, json('PUT', { passwordlessEligible: true }, { cookie }));
  assert.equal(terms.status, 200, await terms.clone().text());
}

/** 张三 signs the pre-signed contract in the wallet: payment password, the SMS code, the terms accepted himself. */
async function signAsZhangSan(preSignId) {
  const session = await call('/api/wallet/sessions', json('POST', { phone: '13800138001', password: 'Demo@2026' }));
  const auth = { authorization: `Bearer ${(await session.json()).token}` };
  const offer = await call(`/api/wallet/passwordless/offer?preSignId=${preSignId}`, { headers: auth });
  assert.equal(offer.status, 200, await offer.clone().text());
  const sent = await call('/api/wallet/me/otp', json('POST', { purpose: 'passwordless-sign' }, auth));
  assert.equal(sent.status, 202, await sent.clone().text()); // accepted: the code goes out by SMS
  const texts = await (await call('/api/dev/sms/13800138001')).json();
  const smsCode = texts.map((t) => /\d{6}/.exec(t.body)).find(Boolean)[0];
  const signed = await call('/api/wallet/passwordless/sign', json('POST', {
    preSignId, acceptTerms: true, paymentPassword: '147258', smsCode,
  }, auth));
  assert.equal(signed.status, 200, await signed.clone().text());
  return signed.json();
}

test('entrusted debit: pre-sign, sign in the wallet, callback, query, charge without password, terminate, refused after', async () => {
  await makeEligible();
  const notify = await notifyServer();
  try {
    const code = merchantNo('CT').replace(/[^0-9A-Za-z]/g, '');
    const preSigned = await wxpay.v3.papay.sign.contracts['pre-entrust-sign'].post({
      sign_scene: 'SIGN_SCENE_QRCODE', appid, plan_id: 12535, out_contract_code: code, contract_display_account: '会员 张*',
      contract_notify_url: notify.url, out_user_code: 'member-7', device_info: { device_id: 'kiosk-1' },
    });
    assert.equal(preSigned.status, 200);
    const agreement = await signAsZhangSan(preSigned.data.pre_entrustweb_id);
    assert.equal(agreement.state, 'SIGNED');

    const signedCallback = await notify.next(15000, (e) => e.event_type === 'PAPAY.SIGN');
    const contract = decrypt(signedCallback, 'contract');
    assert.equal(contract.out_contract_code, code);
    assert.equal(contract.contract_id, agreement.contractId);

    const contracts = wxpay.v3.papay.sign.contracts['plan-id']['{plan_id}']['out-contract-code']['{out_contract_code}'];
    const queried = await contracts.get({ plan_id: 12535, out_contract_code: code });
    assert.equal(queried.data.contract_state, 'SIGNED');
    assert.equal(queried.data.mchid, mchid);

    const no = merchantNo('PAP');
    const apply = (outTradeNo, total) => wxpay.v3.papay.pay.transactions.apply.post({
      appid, out_trade_no: outTradeNo, description: '会员自动续费', transaction_notify_url: notify.url,
      contract_id: contract.contract_id, amount: { total, currency: 'CNY' },
    });
    const accepted = await apply(no, 5);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.data.out_trade_no, no);
    assert.equal(accepted.data.amount.total, 5);
    const paid = decrypt(await notify.next(15000, (e) => e.event_type === 'TRANSACTION.SUCCESS'), 'transaction');
    assert.equal(paid.out_trade_no, no);
    assert.equal(paid.trade_type, 'PAP');
    const order = await wxpay.v3.pay.transactions['out-trade-no']['{out_trade_no}'].get({ params: { mchid }, out_trade_no: no });
    assert.equal(order.data.trade_state, 'SUCCESS');

    const ended = await contracts.terminate.post({ contract_termination_remark: '用户退订' }, { plan_id: 12535, out_contract_code: code });
    assert.equal(ended.data.contract_state, 'TERMINATED');
    assert.equal(ended.data.contract_terminate_info.contract_termination_mode, 'MERCHANT');
    const terminated = decrypt(await notify.next(15000, (e) => e.event_type === 'PAPAY.TERMINATE'), 'contract');
    assert.equal(terminated.contract_id, contract.contract_id);
    await assert.rejects(apply(merchantNo('PAP'), 5), apiError(404, 'RESOURCE_NOT_EXISTS'));
  } finally {
    notify.close();
  }
});
