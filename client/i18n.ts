/** Screen labels in the two supported languages. */
import type { Locale } from './format';

const zh = {
  startsIn: '距开始',
  gmv: '成交额 GMV',
  orders: '订单数',
  ordersPerSec: '每秒订单',
  avg10: '10秒均值',
  avg60: '60秒均值',
  rateChart: '每秒订单 (笔/秒)',
  milestones: '里程碑',
  passed: '突破',
  logistics: '物流 (包裹)',
  picked: '拣货',
  packed: '打包',
  dispatched: '发货',
  delivered: '签收',
  alerts: '天气与路况',
  noAlerts: '暂无预警',
  moreAlerts: '条其他预警',
  rejected: '拒收条目',
  lag: '延迟',
  target: '目标',
  live: '实时',
  connecting: '连接中',
  offline: '重新连接中',
  staleSince: '数据停滞于',
  sourceDown: '数据源中断于',
  history_lost: '历史数据丢失',
  history_trimmed: '数据未读即被截断',
  alarmHint: '数字可能不完整',
  gmvCurve: '累计成交额',
  thisYear: '今年',
  lastYear: '去年同期',
  lastYearTotal: '去年全天',
  vsLastYear: '同比',
  passedLastYear: '超越去年全天',
  peak: '峰值',
  perSec: '笔/秒',
  visitors: '在线访客',
  map: '订单热力',
  rankings: '排行',
  byRegion: '地区',
  byCategory: '品类',
  byChannel: '渠道',
  flash: '限量秒杀',
  soldOut: '售罄',
  payments: '支付成功率',
  noPayments: '暂无支付数据',
  dispatchRate: '发货速率',
  perMin: '件/分',
  backlog: '积压',
  ingest: '写入',
  entriesPerSec: '条/秒',
  duplicates: '重复',
  celebrate: '突破',
  none: '未知',
  other: '其他',
  noData: '暂无数据',
  soundOn: '声音 开',
  soundOff: '声音 关',
};

export type Labels = typeof zh;

const en: Labels = {
  startsIn: 'Starts in',
  gmv: 'GMV',
  orders: 'Orders',
  ordersPerSec: 'Orders / s',
  avg10: '10 s avg',
  avg60: '60 s avg',
  rateChart: 'Orders per second',
  milestones: 'Milestones',
  passed: 'passed',
  logistics: 'Logistics (parcels)',
  picked: 'Picked',
  packed: 'Packed',
  dispatched: 'Dispatched',
  delivered: 'Delivered',
  alerts: 'Weather & roads',
  noAlerts: 'No active alerts',
  moreAlerts: 'more alerts',
  rejected: 'Rejected entries',
  lag: 'Lag',
  target: 'Target',
  live: 'LIVE',
  connecting: 'Connecting',
  offline: 'Reconnecting',
  staleSince: 'Stale since',
  sourceDown: 'Source down since',
  history_lost: 'History lost',
  history_trimmed: 'Entries trimmed before read',
  alarmHint: 'figures may be incomplete',
  gmvCurve: 'Cumulative GMV',
  thisYear: 'This year',
  lastYear: 'Last year',
  lastYearTotal: 'Last year',
  vsLastYear: 'vs last year',
  passedLastYear: 'passed last year',
  peak: 'Peak',
  perSec: '/s',
  visitors: 'Visitors online',
  map: 'Orders by region',
  rankings: 'Top',
  byRegion: 'Regions',
  byCategory: 'Categories',
  byChannel: 'Channels',
  flash: 'Flash sale',
  soldOut: 'Sold out',
  payments: 'Payment success',
  noPayments: 'No payment data yet',
  dispatchRate: 'Dispatch rate',
  perMin: '/min',
  backlog: 'Backlog',
  ingest: 'Ingest',
  entriesPerSec: '/s',
  duplicates: 'Duplicates',
  celebrate: 'passed',
  none: 'Unknown',
  other: 'Other',
  noData: 'No data yet',
  soundOn: 'Sound on',
  soundOff: 'Sound off',
};

export function labels(locale: Locale): Labels {
  return locale === 'zh-CN' ? zh : en;
}

/** Display names of the simulator's and common producers' tokens; unknown tokens show as sent. */
const TOKENS: Record<string, { zh: string; en: string }> = {
  apparel: { zh: '服饰', en: 'Apparel' },
  beauty: { zh: '美妆', en: 'Beauty' },
  electronics: { zh: '数码', en: 'Electronics' },
  home: { zh: '家居', en: 'Home' },
  food: { zh: '食品', en: 'Food' },
  baby: { zh: '母婴', en: 'Baby' },
  app: { zh: 'App', en: 'App' },
  web: { zh: '网页', en: 'Web' },
  mini: { zh: '小程序', en: 'Mini-app' },
  live: { zh: '直播', en: 'Live stream' },
  alipay: { zh: '支付宝', en: 'Alipay' },
  wechat: { zh: '微信支付', en: 'WeChat Pay' },
  card: { zh: '银行卡', en: 'Card' },
  unionpay: { zh: '云闪付', en: 'UnionPay' },
};

/** A producer token (category, channel, payment channel) as shown on screen. */
export function tokenName(key: string, locale: Locale): string {
  if (key === '(none)') return labels(locale).none;
  if (key === '(other)') return labels(locale).other;
  const t = TOKENS[key];
  return t ? (locale === 'zh-CN' ? t.zh : t.en) : key;
}

const REGIONS: Record<string, [string, string]> = {
  'CN-AH': ['安徽', 'Anhui'], 'CN-BJ': ['北京', 'Beijing'], 'CN-CQ': ['重庆', 'Chongqing'], 'CN-FJ': ['福建', 'Fujian'],
  'CN-GD': ['广东', 'Guangdong'], 'CN-GS': ['甘肃', 'Gansu'], 'CN-GX': ['广西', 'Guangxi'], 'CN-GZ': ['贵州', 'Guizhou'],
  'CN-HA': ['河南', 'Henan'], 'CN-HB': ['湖北', 'Hubei'], 'CN-HE': ['河北', 'Hebei'], 'CN-HI': ['海南', 'Hainan'],
  'CN-HK': ['香港', 'Hong Kong'], 'CN-HL': ['黑龙江', 'Heilongjiang'], 'CN-HN': ['湖南', 'Hunan'], 'CN-JL': ['吉林', 'Jilin'],
  'CN-JS': ['江苏', 'Jiangsu'], 'CN-JX': ['江西', 'Jiangxi'], 'CN-LN': ['辽宁', 'Liaoning'], 'CN-MO': ['澳门', 'Macau'],
  'CN-NM': ['内蒙古', 'Inner Mongolia'], 'CN-NX': ['宁夏', 'Ningxia'], 'CN-QH': ['青海', 'Qinghai'], 'CN-SC': ['四川', 'Sichuan'],
  'CN-SD': ['山东', 'Shandong'], 'CN-SH': ['上海', 'Shanghai'], 'CN-SN': ['陕西', 'Shaanxi'], 'CN-SX': ['山西', 'Shanxi'],
  'CN-TJ': ['天津', 'Tianjin'], 'CN-TW': ['台湾', 'Taiwan'], 'CN-XJ': ['新疆', 'Xinjiang'], 'CN-XZ': ['西藏', 'Tibet'],
  'CN-YN': ['云南', 'Yunnan'], 'CN-ZJ': ['浙江', 'Zhejiang'],
};

/** An ISO 3166-2 region as shown on screen: the province name for China, the code otherwise. */
export function regionName(code: string, locale: Locale): string {
  if (code === '(none)' || code === '(other)') return tokenName(code, locale);
  const r = REGIONS[code];
  return r ? (locale === 'zh-CN' ? r[0] : r[1]) : code;
}
