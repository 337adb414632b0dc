// Labels in Chinese by default, English as a switch; the choice is kept in this browser.
const LABELS = {
  title: ['数据交换 · 管理控制台', 'Data exchange · steward console'],
  switchLang: ['English', '中文'],
  logout: ['退出', 'Log out'],
  login: ['登录', 'Log in'],
  apiKey: ['API 密钥', 'API key'],
  loginHint: ['输入您的 API 密钥。密钥只保存在本标签页中，关闭即清除。', 'Enter your API key. It stays in this browser tab only and is gone when the tab closes.'],
  loginFailed: ['密钥无效或已停用。', 'The key is not valid or is disabled.'],
  noPages: ['此账户没有可用的控制台页面。', 'This account has no console pages.'],
  cycle: ['周期', 'Cycle'], quality: ['数据质量', 'Quality'], drilldown: ['明细追溯', 'Drill-down'],
  reconciliation: ['核对', 'Reconciliation'], cases: ['案件', 'Cases'], applications: ['待人工审核', 'Applications waiting'],
  audit: ['审计', 'Audit'], sharing: ['共享', 'Sharing'],
  period: ['期次', 'Period'], noReports: ['尚无报告：周期在核查、治理和发布后导出报告。', 'No reports yet: the cycle exports one after check, govern and publish.'],
  loading: ['加载中…', 'Loading…'], error: ['出错了', 'Something went wrong'], forbidden: ['您的角色无权查看此内容。', 'Your role may not see this.'],
  downloadCsv: ['下载 CSV', 'Download CSV'], prev: ['上一页', 'Previous'], next: ['下一页', 'Next'],
  rowsOf: ['第 {from}–{to} 行，共 {total} 行', 'Rows {from}–{to} of {total}'], none: ['无', 'None'],
  steps: ['步骤', 'Steps'], step: ['步骤', 'Step'], state: ['状态', 'State'], progress: ['进度', 'Progress'], attempts: ['尝试次数', 'Attempts'],
  startedAt: ['开始', 'Started'], endedAt: ['结束', 'Ended'], detail: ['说明', 'Detail'],
  noSteps: ['本期没有周期步骤记录；以下为报告中的批次与发布情况。', 'The cycle recorded no steps for this period; the batches and publication from the report follow.'],
  lateDepartments: ['待交部门（迟交或缺失）', 'Departments awaited (late or missing)'],
  run: ['本次运行', 'Run'], mode: ['运行方式', 'Mode'], seconds: ['耗时（秒）', 'Seconds'], dueDate: ['截止日期', 'Due'], late: ['已逾期', 'Late'],
  batches: ['批次', 'Batches'], publication: ['发布', 'Publication'], published: ['已发布', 'Published'], notPublished: ['未发布', 'Not published'],
  publishedAt: ['发布时间', 'Published at'], publishedBy: ['发布人', 'Published by'], overrideReason: ['越过核查的理由', 'Override reason'],
  blocking: ['阻止发布的问题', 'Findings blocking publication'], publishable: ['可发布', 'Publishable'], yes: ['是', 'yes'], no: ['否', 'no'],
  connector: ['数据集', 'Dataset'], department: ['部门', 'Department'], status: ['状态', 'Status'], error_: ['错误', 'Error'],
  received: ['接收行数', 'Rows received'], loaded: ['入库行数', 'Rows loaded'], quarantined: ['隔离行数', 'Rows quarantined'],
  ruleErrors: ['规则错误', 'Rule errors'], ruleWarnings: ['规则警告', 'Rule warnings'], totals: ['合计', 'Totals'],
  trendRows: ['各期行数趋势', 'Rows over the periods'], trendRules: ['各期规则失败趋势', 'Rule failures over the periods'],
  allDepartments: ['全部部门', 'All departments'], ruleFailures: ['规则失败', 'Rule failures'], rule: ['规则', 'Rule'],
  failedRows: ['失败行数', 'Failed rows'], ratio: ['比例', 'Ratio'], about: ['说明', 'About'], drillDown: ['追溯', 'Drill down'],
  quarantineRows: ['隔离行', 'Quarantined rows'], failingRows: ['未通过规则的行', 'Rows failing a rule'],
  file: ['文件', 'File'], line: ['行号', 'Line'], reason: ['原因', 'Reason'], rawLine: ['原始内容', 'Raw text'], stage: ['阶段', 'Stage'],
  field: ['字段', 'Field'], value: ['值', 'Value'], rowDetail: ['行详情', 'Row detail'],
  conflicts: ['部门间冲突', 'Conflicts between departments'], kind: ['类型', 'Kind'], subject: ['对象', 'Subject'],
  authority: ['权威部门', 'Authoritative department'], authorityValue: ['权威值', 'Its value'], otherDepartment: ['其他部门', 'Other department'],
  otherValue: ['其他值', 'Its value'], sources: ['来源行', 'Source rows'],
  idRepairs: ['身份证号修复', 'ID repairs'], unresolvedIds: ['未能解析的身份证号', 'Unresolved ID numbers'], orphans: ['孤立记录', 'Orphans'],
  original: ['原号码', 'As sent'], repaired: ['修复为', 'Repaired to'], name: ['姓名', 'Name'], problem: ['问题', 'Problem'], evidence: ['依据', 'Evidence'],
  candidates: ['候选', 'Candidates'], decision: ['决定', 'Decision'], accept: ['接受', 'Accept'], reject: ['拒绝', 'Reject'],
  accepted: ['已接受', 'Accepted'], rejected: ['已拒绝', 'Rejected'], reasonRequired: ['请填写理由。', 'Give the reason.'], reasonPlaceholder: ['理由', 'Reason'],
  views: ['视图', 'Views'], persons: ['人口', 'Persons'], entities: ['法人', 'Entities'], monthOverMonth: ['环比变化', 'Month over month'],
  count: ['数量', 'Count'], dataset: ['数据集', 'Dataset'],
  caseId: ['编号', 'Id'], confirm: ['确认', 'Confirm'], dismiss: ['驳回', 'Dismiss'], resolve: ['办结', 'Resolve'],
  verify: ['校验审计链', 'Verify the audit chain'], chainOk: ['审计链完整', 'The audit chain is intact'], chainBroken: ['审计链被破坏', 'The audit chain is broken'],
  chain: ['链', 'Chain'], records: ['记录数', 'Records'], head: ['链头', 'Head'], firstBad: ['第一处问题', 'First bad record'], verifiedAt: ['校验时间', 'Verified at'],
  search: ['查询', 'Search'], client: ['客户端', 'Client'], resource: ['资源', 'Resource'], outcome: ['结果', 'Outcome'], from: ['起', 'From'], to: ['止', 'To'],
  limit: ['条数', 'Limit'], time: ['时间', 'Time'], action: ['操作', 'Action'], purpose: ['用途', 'Purpose'], subjects: ['对象', 'Subjects'],
  searchNeedsAuditor: ['审计查询需要审计员角色。', 'Searching the audit trail needs the auditor role.'],
  grants: ['授权', 'Grants'], pendingRequests: ['待审批的有条件共享申请', 'Pending conditional-sharing requests'], fields: ['字段', 'Fields'],
  purposes: ['用途', 'Purposes'], expiresAt: ['到期', 'Expires'], legalBasis: ['法律依据', 'Legal basis'], requestedAt: ['申请时间', 'Requested'],
  approve: ['批准', 'Approve'], refuse: ['拒绝', 'Refuse'], decidedBy: ['决定人', 'Decided by'], noPending: ['没有待审批的申请。', 'No pending requests.'],
  roles: ['角色', 'Roles'], done: ['已完成', 'Done'],
  // Cases from the cross-checks.
  case: ['案件', 'Case'], all: ['全部', 'All'], periods: ['期次', 'Periods'], amount: ['金额', 'Amount'], totalAmount: ['累计', 'In all'],
  summary: ['摘要', 'Summary'], openedAt: ['立案时间', 'Opened'], updatedAt: ['更新时间', 'Updated'], months: ['涉及月份', 'Months'],
  history: ['办理记录', 'History'], by: ['办理人', 'By'], reopen: ['重新打开', 'Reopen'], opened: ['立案', 'Opened'],
  case_open: ['待核查', 'Open'], case_confirmed: ['已确认', 'Confirmed'], case_dismissed: ['已驳回', 'Dismissed'], case_resolved: ['已办结', 'Resolved'],
  rule_pension_after_death: ['死亡后仍发养老金', 'Pension paid after death'],
  rule_company_deregistered_tax_active: ['已注销企业税务仍正常', 'Deregistered company still an active taxpayer'],
  rule_company_legal_representative_deceased: ['企业法定代表人已死亡', 'Company\'s legal representative has died'],
  rule_penalty_unknown_party: ['处罚对象信用代码不存在', 'Penalty against an unknown credit code'],
  rule_subsidy_certificate_expired: ['残疾证过期仍领补贴', 'Subsidy paid after the certificate expired'],
  rule_subsidy_deceased: ['死亡后仍领补贴', 'Subsidy paid after death'],
  rule_subsidy_grade_too_low: ['残疾等级不符仍领护理补贴', 'Nursing subsidy paid for a low disability grade'],
  rule_subsidy_moved_out: ['户籍迁出仍领补贴', 'Subsidy paid after moving out of the city'],
  rule_subsidy_no_certificate: ['无残疾证领补贴', 'Subsidy paid without a disability certificate'],
  rule_subsidy_not_in_minimum_living_allowance: ['非低保家庭领生活补贴', 'Living subsidy paid outside a 低保 family'],
  rule_subsidy_unknown_person: ['补贴发给户籍外人员', 'Subsidy paid to an ID not on the register'],
  rule_subsidy_unpaid_eligible: ['符合条件未发补贴', 'Eligible but not paid'],
  // Application decisions.
  manual_review: ['待人工审核', 'Waiting for a person'], approved: ['自动通过', 'Approved automatically'],
  waitingForPerson: ['待人工审核的申请', 'Applications waiting for a person'], applicationDecisions: ['申请审核结果', 'Application decisions'],
  noneWaiting: ['没有等待人工审核的申请。', 'No application is waiting for a person.'],
  decisionId: ['编号', 'Id'], receivedAt: ['受理时间', 'Received'], applicationType: ['事项', 'Application type'], applicant: ['申请人信息', 'Applicant'],
  clerk: ['受理人', 'Clerk'], unmetRules: ['未满足的条件', 'Rules not met'], factsAndSources: ['核查的事实及来源', 'Facts used and their sources'],
  factsUsed: ['项事实', 'facts'], notFound: ['未找到', 'Not found'], noSource: ['无来源记录', 'no source record'],
};

let lang = localStorage.getItem('dx.lang') === 'en' ? 'en' : 'zh';

export function language() {
  return lang;
}

export function setLanguage(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem('dx.lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

/** The label for `key` in the current language, with {name} placeholders filled. */
export function t(key, values = {}) {
  const pair = LABELS[key];
  const text = pair ? pair[lang === 'en' ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

export function formatNumber(n) {
  return typeof n === 'number' ? n.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN') : String(n ?? '');
}

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
}
