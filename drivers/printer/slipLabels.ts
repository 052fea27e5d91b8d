import type { PrintDocument } from './PrintDocument.js';

/** The languages slips are printed in. */
export type SlipLanguage = PrintDocument['language'];

/** Every fixed text printed on a slip, report or test page, in one language. */
export interface SlipLabels {
  readonly salesSlipTitle: string;
  readonly merchantCopy: string;
  readonly customerCopy: string;
  readonly reprint: string;
  readonly merchantName: string;
  readonly merchantId: string;
  readonly terminalId: string;
  readonly operator: string;
  readonly transactionType: string;
  readonly sale: string;
  readonly void: string;
  readonly refund: string;
  readonly account: string;
  readonly batch: string;
  readonly trace: string;
  readonly authCode: string;
  readonly reference: string;
  readonly originalReference: string;
  readonly time: string;
  readonly amount: string;
  readonly confirmedBy: string;
  readonly noSignature: string;
  readonly thanks: string;
  readonly settlementTitle: string;
  readonly terminalColumn: string;
  readonly hostColumn: string;
  readonly saleCount: string;
  readonly voidCount: string;
  readonly refundCount: string;
  readonly saleTotal: string;
  readonly refundTotal: string;
  readonly result: string;
  readonly balanced: string;
  readonly outOfBalance: string;
  readonly testPageTitle: string;
  readonly version: string;
  readonly boldSample: string;
  /** Printed double width: at most 16 columns. */
  readonly doubleSizeSample: string;
  readonly endOfTestPage: string;
}

/**
 * The slip texts of each language. Kept to ASCII and CJK ideographs, whose printed width
 * `displayWidth` knows exactly (no ambiguous-width punctuation such as `：` or `—`).
 */
export const SLIP_LABELS: Readonly<Record<SlipLanguage, SlipLabels>> = {
  'zh-CN': {
    salesSlipTitle: 'ComboPay 签购单',
    merchantCopy: '商户存根',
    customerCopy: '持卡人存根',
    reprint: '*** 重打印 ***',
    merchantName: '商户名称',
    merchantId: '商户编号',
    terminalId: '终端编号',
    operator: '操作员号',
    transactionType: '交易类型',
    sale: '消费',
    void: '撤销',
    refund: '退货',
    account: '账号',
    batch: '批次号',
    trace: '凭证号',
    authCode: '授权码',
    reference: '参考号',
    originalReference: '原参考号',
    time: '日期时间',
    amount: '金额',
    confirmedBy: '密码+短信验证码确认',
    noSignature: '本交易无需签名',
    thanks: '谢谢惠顾',
    settlementTitle: '结算单',
    terminalColumn: '终端',
    hostColumn: '主机',
    saleCount: '消费笔数',
    voidCount: '撤销笔数',
    refundCount: '退货笔数',
    saleTotal: '消费金额',
    refundTotal: '退货金额',
    result: '结算结果',
    balanced: '平账',
    outOfBalance: '不平',
    testPageTitle: '打印测试',
    version: '软件版本',
    boldSample: '粗体样张 Bold 123',
    doubleSizeSample: '倍宽倍高 2x2',
    endOfTestPage: '-- 测试页结束 --',
  },
  en: {
    salesSlipTitle: 'COMBOPAY SALES SLIP',
    merchantCopy: 'MERCHANT COPY',
    customerCopy: 'CUSTOMER COPY',
    reprint: '*** REPRINT ***',
    merchantName: 'MERCHANT NAME',
    merchantId: 'MERCHANT ID',
    terminalId: 'TERMINAL ID',
    operator: 'OPERATOR',
    transactionType: 'TYPE',
    sale: 'SALE',
    void: 'VOID',
    refund: 'REFUND',
    account: 'ACCOUNT',
    batch: 'BATCH NO',
    trace: 'TRACE NO',
    authCode: 'AUTH CODE',
    reference: 'REF NO',
    originalReference: 'ORIG REF NO',
    time: 'TIME',
    amount: 'AMOUNT',
    confirmedBy: 'Confirmed by PIN + SMS code',
    noSignature: 'No signature required',
    thanks: 'Thank you',
    settlementTitle: 'SETTLEMENT REPORT',
    terminalColumn: 'TERMINAL',
    hostColumn: 'HOST',
    saleCount: 'SALES',
    voidCount: 'VOIDS',
    refundCount: 'REFUNDS',
    saleTotal: 'SALE AMT',
    refundTotal: 'REFUND AMT',
    result: 'RESULT',
    balanced: 'BALANCED',
    outOfBalance: 'OUT OF BALANCE',
    testPageTitle: 'PRINTER TEST',
    version: 'VERSION',
    boldSample: 'Bold sample 123',
    doubleSizeSample: 'Double size 2x2',
    endOfTestPage: '-- end of test page --',
  },
};
