/**
 * ISO 4217 minor units of the active currency codes (list 1, 2025), for checking an event file.
 * A table, not `Intl`: ICU follows CLDR, which differs from ISO where cash use differs (CLDR gives
 * HUF, ALL and IQD 0 digits; ISO gives 2, 2 and 3), and small-icu builds may lack the data at all.
 * Codes without a minor unit (precious metals, XDR, test codes) are left out: they are not prices.
 */
const BY_DIGITS: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL ' +
    'GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD ' +
    'LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN ' +
    'PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL ' +
    'THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const TABLE = new Map<string, number>();
for (const [digits, codes] of Object.entries(BY_DIGITS)) for (const c of codes.split(' ')) TABLE.set(c, Number(digits));

/** ISO 4217 minor digits of `code`, or undefined when it is not an active ISO currency with a minor unit. */
export function isoMinorDigits(code: string): number | undefined {
  return TABLE.get(code);
}
