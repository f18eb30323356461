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
};

export function labels(locale: Locale): Labels {
  return locale === 'zh-CN' ? zh : en;
}
