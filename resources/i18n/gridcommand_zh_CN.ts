<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlarmBanner</name>
    <message>
        <source>%1 emergencies not acknowledged — oldest %2 — click to show it</source>
        <translation>%1 起紧急事件未确认 — 最早 %2 — 点击查看</translation>
    </message>
    <message>
        <source>SOUND OFF: no audio device, the siren cannot be heard</source>
        <translation>声音已关闭：没有音频设备，听不到警报</translation>
    </message>
    <message>
        <source>Siren muted until %1 by %2</source>
        <translation>警报已静音至 %1（%2）</translation>
    </message>
    <message>
        <source>Click to show the oldest emergency (filters are cleared)</source>
        <translation>点击查看最早的紧急事件（将清除筛选）</translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>Waiting for the first figures…</source>
        <extracomment>Classes in the open-cases chart at most (the most cases first).</extracomment>
        <translation>正在等待首批统计数据…</translation>
    </message>
    <message>
        <source>Reports per hour (last 24 h)</source>
        <translation>每小时上报量（近24小时）</translation>
    </message>
    <message>
        <source>reports</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>emergencies</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Open cases against deadline</source>
        <translation>在办案件时限状态</translation>
    </message>
    <message>
        <source>on time</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>due soon</source>
        <translation>临期</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>Open cases by class</source>
        <translation>在办案件（按大类）</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>网格员</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>Connecting to the database…</source>
        <translation>正在连接数据库…</translation>
    </message>
    <message>
        <source>Database connection interrupted — reconnecting</source>
        <translation>数据库连接中断——正在重连</translation>
    </message>
    <message>
        <source>Database connection lost — the picture is NOT live</source>
        <translation>数据库连接已断开——画面不是实时的</translation>
    </message>
    <message>
        <source>The picture is late —</source>
        <translation>画面有延迟——</translation>
    </message>
</context>
<context>
    <name>DispatchDialog</name>
    <message>
        <source>no position ever received</source>
        <translation>从未收到定位</translation>
    </message>
    <message>
        <source>last fix %1 min ago</source>
        <translation>最后定位 %1 分钟前</translation>
    </message>
    <message>
        <source>last fix %1 h %2 min ago</source>
        <translation>最后定位 %1 小时 %2 分钟前</translation>
    </message>
    <message>
        <source>Dispatch %1</source>
        <translation>派遣 %1</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案件</translation>
    </message>
    <message>
        <source>Own grid</source>
        <translation>本网格</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>(a worker, as selected above)</source>
        <translation>（派给上方选中的网格员）</translation>
    </message>
    <message>
        <source>Instruction for the worker (optional)</source>
        <translation>给网格员的处置要求（可选）</translation>
    </message>
    <message>
        <source>Or send to a department</source>
        <translation>或派给职能部门</translation>
    </message>
    <message>
        <source>Dispatch (Enter)</source>
        <translation>派遣（回车）</translation>
    </message>
    <message>
        <source>Ranked: online first, the grid's own team first, then by distance and load.</source>
        <translation>排序：本网格团队优先、在线优先，再按距离和在办量。</translation>
    </message>
</context>
<context>
    <name>ExportProgress</name>
    <message>
        <source>Cancel</source>
        <extracomment>A dialog shows only when an export takes longer than this (ms).</extracomment>
        <translation>取消</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>正在导出</translation>
    </message>
</context>
<context>
    <name>Exports</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Writing %1 rows…</source>
        <translation>正在写入 %1 行…</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>正在导出 %1…</translation>
    </message>
    <message>
        <source>Writing %1 of %2 rows…</source>
        <translation>已写入 %1 / %2 行…</translation>
    </message>
    <message>
        <source>Monthly report</source>
        <translation>月度报告</translation>
    </message>
    <message>
        <source>Month:</source>
        <translation>月份：</translation>
    </message>
    <message>
        <source>One grid's report</source>
        <translation>单网格报告</translation>
    </message>
    <message>
        <source>Grid:</source>
        <translation>网格：</translation>
    </message>
    <message>
        <source>Reading the figures…</source>
        <translation>正在读取指标…</translation>
    </message>
    <message>
        <source>Drawing the charts, the map and the pages…</source>
        <translation>正在绘制图表、地图和页面…</translation>
    </message>
    <message>
        <source>Exporting the report…</source>
        <translation>正在导出报告…</translation>
    </message>
    <message>
        <source>The map could not be drawn into an image on this screen.</source>
        <translation>在此屏幕上无法将地图绘制为图片。</translation>
    </message>
    <message>
        <source>Writing the image…</source>
        <translation>正在写入图片…</translation>
    </message>
    <message>
        <source>Exporting the map…</source>
        <translation>正在导出地图…</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
</context>
<context>
    <name>GridDrilldown</name>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Located</source>
        <translation>定位</translation>
    </message>
    <message>
        <source>by its point</source>
        <translation>按位置判定</translation>
    </message>
    <message>
        <source>Double-click a grid on the map to drill down.</source>
        <extracomment>A case double-clicked in the list (its ticket id). The manager asked for the whole district again. Replay this grid's day (回放): its code.</extracomment>
        <translation>在地图上双击网格查看详情。</translation>
    </message>
    <message>
        <source>Households / people</source>
        <translation>户数 / 人口</translation>
    </message>
    <message>
        <source>Households per full-time worker</source>
        <translation>专职网格员人均户数</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>面积</translation>
    </message>
    <message>
        <source>Open / overdue cases</source>
        <translation>在办 / 超时案件</translation>
    </message>
    <message>
        <source>Closed on time (30 days)</source>
        <translation>按时办结率（30天）</translation>
    </message>
    <message>
        <source>Patrol coverage today / patrol days</source>
        <translation>今日巡查覆盖率 / 巡查天数</translation>
    </message>
    <message>
        <source>System score</source>
        <translation>系统评分</translation>
    </message>
    <message>
        <source>Open and recent cases</source>
        <translation>在办及近期案件</translation>
    </message>
    <message>
        <source>Team (1 + X + Y)</source>
        <translation>网格团队（1 + X + Y）</translation>
    </message>
    <message>
        <source>Cases reported per day, by class</source>
        <translation>每日上报案件（按大类）</translation>
    </message>
    <message>
        <source>Whole district</source>
        <translation>全区</translation>
    </message>
    <message>
        <source>Back to the whole district on the map</source>
        <translation>地图回到全区视图</translation>
    </message>
    <message>
        <source>Replay today</source>
        <translation>回放今天</translation>
    </message>
    <message>
        <source>Replay this grid's day on the map (回放)</source>
        <translation>在地图上回放本网格今天的情况</translation>
    </message>
    <message>
        <source>%1 / %2 of %3 days</source>
        <translation>%1 / %2 天（共 %3 天）</translation>
    </message>
    <message>
        <source>Open and recent cases (%1 open)</source>
        <translation>在办及近期案件（在办 %1 件）</translation>
    </message>
    <message>
        <source>Other classes</source>
        <translation>其他大类</translation>
    </message>
</context>
<context>
    <name>HotspotLayer</name>
    <message>
        <source>Cases: %1</source>
        <translation>案件：%1</translation>
    </message>
    <message>
        <source>Cases in the period</source>
        <translation>统计期内案件</translation>
    </message>
    <message>
        <source>No case in the period</source>
        <translation>统计期内无案件</translation>
    </message>
</context>
<context>
    <name>KpiBoard</name>
    <message>
        <source>Score</source>
        <extracomment>The figures, in the order of docs/kpi.md, with their export kinds.</extracomment>
        <translation>综合得分</translation>
    </message>
    <message>
        <source>Cases registered</source>
        <translation>立案数</translation>
    </message>
    <message>
        <source>Handled on time</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>Closed share</source>
        <translation>结案率</translation>
    </message>
    <message>
        <source>Closed on time</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <source>Rework</source>
        <translation>返工率</translation>
    </message>
    <message>
        <source>Extended</source>
        <translation>延期率</translation>
    </message>
    <message>
        <source>Overdue share</source>
        <translation>超期率</translation>
    </message>
    <message>
        <source>Mean handling (h)</source>
        <translation>平均处置时长(小时)</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <source>Patrol share</source>
        <translation>巡查率</translation>
    </message>
    <message>
        <source>Reporting share</source>
        <translation>上报率</translation>
    </message>
    <message>
        <source>Streets</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Communities</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>%1 pt</source>
        <extracomment>Which units of a ranking can be drilled into.</extracomment>
        <translation>%1 个百分点</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>This period</source>
        <translation>本期</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>上期</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Whole district</source>
        <extracomment>The map's hot-spot layer: a HotspotQuery, or None when it is switched off.</extracomment>
        <translation>全区</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>▲ Up</source>
        <translation>▲ 上一级</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>统计期：</translation>
    </message>
    <message>
        <source>Registered a day (last 30 days)</source>
        <translation>每日立案数（近30天）</translation>
    </message>
    <message>
        <source>Handled on time, % (last 30 days)</source>
        <translation>按期处置率 %（近30天）</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>计算中…</translation>
    </message>
    <message>
        <source>Hot spots on the map</source>
        <translation>地图热点</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部大类</translation>
    </message>
    <message>
        <source>Ranking: %1 (click to drill down)</source>
        <translation>排名：%1（点击下钻）</translation>
    </message>
</context>
<context>
    <name>LiveData</name>
    <message>
        <source>replica %1 s behind</source>
        <extracomment>Worker fixes applied in one round at most; the rest follow in the next round, so a report that arrives meanwhile is applied (and drawn) before a backlog of fixes. Middle-generation collections between two full ones (see desktop/gc_policy.py). How long worker fixes wait at most while the operator waits for a moment they asked for (``hold_fixes``): a dot moves at most every 10 s anyway (maps/diffs.py). After the first load, when what it left behind is freed, the C heap is trimmed once. Collection is held for the first load at most this long (a database that cannot be reached must not leave it off for good). The first load is in the store (on the GUI thread: grids, workers, tickets). How far the first load has got (on the GUI thread): rows in the store, of how many. The live thread: the store is applied here, and so are the map's diffs. Until when worker fixes wait (``time.monotonic()``), or ``None``. Rows of the first load in the store so far (the live thread writes it).</extracomment>
        <translation>只读副本落后 %1 秒</translation>
    </message>
    <message>
        <source>replica, polling</source>
        <translation>只读副本，轮询</translation>
    </message>
    <message>
        <source>polling, no LISTEN</source>
        <translation>轮询，未使用 LISTEN</translation>
    </message>
</context>
<context>
    <name>LoadingProgress</name>
    <message>
        <source>Loading the city: %1%</source>
        <translation>正在加载全区数据：%1%</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>gridcommand — Grid Command Centre</source>
        <extracomment>The docks that go to the second screen with ``--screens map=1,queues=2``. Below these a dock gives way (scrolls, tabs) instead of squeezing the map. Minutes to mute the siren for (0: sound again), chosen by a supervisor. View → Replay: the last day replayed (回放).</extracomment>
        <translation>gridcommand — 网格化指挥中心</translation>
    </message>
    <message>
        <source>Loading the map…</source>
        <translation>正在加载地图…</translation>
    </message>
    <message>
        <source>Ticket queues</source>
        <translation>案件队列</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>统计图表</translation>
    </message>
    <message>
        <source>Data quality</source>
        <translation>数据质量</translation>
    </message>
    <message>
        <source>Ticket detail</source>
        <translation>案件详情</translation>
    </message>
    <message>
        <source>Grid drill-down</source>
        <translation>网格详情</translation>
    </message>
    <message>
        <source>Evaluation (KPI)</source>
        <translation>综合评价</translation>
    </message>
    <message>
        <source>Nothing to show yet.</source>
        <translation>暂无内容。</translation>
    </message>
    <message>
        <source>embedded database</source>
        <translation>内置数据库</translation>
    </message>
    <message>
        <source>Keys: E next emergency · A acknowledge · D dispatch (Enter sends) · R register · V verify · C close · B send back · F show on map</source>
        <translation>快捷键：E 下一紧急 · A 确认 · D 派遣（回车发送）· R 立案 · V 核查 · C 结案 · B 退回 · F 地图定位</translation>
    </message>
    <message>
        <source>&amp;Console</source>
        <translation>控制台(&amp;C)</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Wall mode (full screen, large text)</source>
        <translation>大屏模式（全屏、大字）</translation>
    </message>
    <message>
        <source>Panels</source>
        <translation>面板</translation>
    </message>
    <message>
        <source>Hot-spot layer (cases by category)</source>
        <translation>热点图层（按大类的案件密度）</translation>
    </message>
    <message>
        <source>Layouts</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Screens</source>
        <translation>屏幕</translation>
    </message>
    <message>
        <source>Replay the last 24 hours…</source>
        <translation>回放最近 24 小时…</translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation>返回实时</translation>
    </message>
    <message>
        <source>&amp;Alarm</source>
        <translation>警报(&amp;A)</translation>
    </message>
    <message>
        <source>Mute the siren for %1 min</source>
        <translation>警报静音 %1 分钟</translation>
    </message>
    <message>
        <source>Sound the siren again</source>
        <translation>恢复警报声音</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>Current queue to XLSX…</source>
        <translation>当前队列导出为 XLSX…</translation>
    </message>
    <message>
        <source>Current queue to CSV…</source>
        <translation>当前队列导出为 CSV…</translation>
    </message>
    <message>
        <source>KPI ranking to XLSX…</source>
        <translation>考评排名导出为 XLSX…</translation>
    </message>
    <message>
        <source>KPI ranking to CSV…</source>
        <translation>考评排名导出为 CSV…</translation>
    </message>
    <message>
        <source>Monthly report (PDF)…</source>
        <translation>月度报告（PDF）…</translation>
    </message>
    <message>
        <source>One grid's report (PDF)…</source>
        <translation>单网格报告（PDF）…</translation>
    </message>
    <message>
        <source>Map as shown to PNG…</source>
        <translation>当前地图导出为 PNG…</translation>
    </message>
    <message>
        <source>Save layout as…</source>
        <translation>布局另存为…</translation>
    </message>
    <message>
        <source>Reset to my role's layout</source>
        <translation>恢复本角色默认布局</translation>
    </message>
    <message>
        <source>Load “%1”</source>
        <translation>载入“%1”</translation>
    </message>
    <message>
        <source>Map on screen %1, queues and charts on screen %2</source>
        <translation>地图在屏幕 %1，队列和图表在屏幕 %2</translation>
    </message>
    <message>
        <source>Save layout</source>
        <translation>保存布局</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>There is no screen %1 (this PC has %2).</source>
        <translation>没有屏幕 %1（本机共 %2 个屏幕）。</translation>
    </message>
    <message>
        <source>SOUND OFF</source>
        <translation>声音已关闭</translation>
    </message>
    <message>
        <source>Siren muted until %1</source>
        <translation>警报静音至 %1</translation>
    </message>
    <message>
        <source>● Live</source>
        <translation>● 实时</translation>
    </message>
    <message>
        <source>◐ Live, behind</source>
        <translation>◐ 实时（延迟）</translation>
    </message>
    <message>
        <source>○ Connecting</source>
        <translation>○ 连接中</translation>
    </message>
    <message>
        <source>◐ Reconnecting</source>
        <translation>◐ 重连中</translation>
    </message>
    <message>
        <source>✕ Connection lost</source>
        <translation>✕ 连接已断开</translation>
    </message>
    <message>
        <source>Operator: %1 · %2</source>
        <translation>值班员：%1 · %2</translation>
    </message>
    <message>
        <source>At risk within the hour: %1</source>
        <translation>1小时内将超期：%1</translation>
    </message>
    <message>
        <source>Loading the city…</source>
        <extracomment>The forecast and category models learn, and the KPI board asks for its figures, this long after the city is loaded: their training is seconds of pure Python (and the board's figures a long table to fill), which would take the interpreter from the first load, and the GUI thread from drawing it, if they ran at the same time. The live queues, and the replay's in their place while replaying.</extracomment>
        <translation>正在加载全区数据…</translation>
    </message>
    <message>
        <source>City loaded: %1 grids, %2 workers, %3 cases</source>
        <translation>全区数据已加载：%1 个网格，%2 名网格员，%3 件案件</translation>
    </message>
    <message>
        <source>Loading the queues: %1 of %2 cases</source>
        <translation>正在加载案件队列：%1 / %2 件</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <translation>%1：%2 → %3</translation>
    </message>
</context>
<context>
    <name>MapItemMenu</name>
    <message>
        <source>Drill down into this grid</source>
        <translation>进入该网格详情</translation>
    </message>
    <message>
        <source>Show the last hour's track</source>
        <translation>显示近一小时轨迹</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认警报</translation>
    </message>
    <message>
        <source>Dispatch…</source>
        <translation>派遣…</translation>
    </message>
    <message>
        <source>Show in queue</source>
        <translation>在队列中显示</translation>
    </message>
</context>
<context>
    <name>QualityPanel</name>
    <message>
        <source>latitude and longitude swapped</source>
        <translation>经纬度颠倒</translation>
    </message>
    <message>
        <source>outside the district</source>
        <translation>位于辖区外</translation>
    </message>
    <message>
        <source>coordinates not a number</source>
        <translation>坐标不是数值</translation>
    </message>
    <message>
        <source>no point and no grid</source>
        <translation>既无坐标也无网格</translation>
    </message>
    <message>
        <source>unknown grid</source>
        <translation>未知网格</translation>
    </message>
    <message>
        <source>unknown category</source>
        <translation>未知事项类别</translation>
    </message>
    <message>
        <source>empty description</source>
        <translation>描述为空</translation>
    </message>
    <message>
        <source>description too long</source>
        <translation>描述过长</translation>
    </message>
    <message>
        <source>duplicate report</source>
        <translation>重复上报</translation>
    </message>
    <message>
        <source>broken grid boundary</source>
        <translation>网格边界数据损坏</translation>
    </message>
    <message>
        <source>The point lies in the district only with the two numbers swapped.</source>
        <extracomment>What the field system should check, per problem: the sentence the Reason column shows. (The database keeps its own English detail in ``rejected_input.reason`` for auditors; the view says it in the operator's language, with the row as written in the tooltip.)</extracomment>
        <translation>纬度和经度互换后点才落在辖区内：两个数写反了。</translation>
    </message>
    <message>
        <source>The point is far outside the district: check the device's position.</source>
        <translation>点远在辖区之外：请检查设备定位。</translation>
    </message>
    <message>
        <source>A coordinate is missing, not a number or out of range.</source>
        <translation>坐标缺失、不是数字或超出范围。</translation>
    </message>
    <message>
        <source>The report has neither a point nor a grid: it cannot be placed.</source>
        <translation>上报既无坐标也无网格，无法定位。</translation>
    </message>
    <message>
        <source>The grid code is not in the grid layer.</source>
        <translation>网格编码不在网格图层中。</translation>
    </message>
    <message>
        <source>The item code is not in the catalogue of items.</source>
        <translation>事项编码不在事项目录中。</translation>
    </message>
    <message>
        <source>The report says nothing.</source>
        <translation>上报内容为空。</translation>
    </message>
    <message>
        <source>The description is longer than a report can be.</source>
        <translation>描述超出上报允许的长度。</translation>
    </message>
    <message>
        <source>The same report arrived again from the same source.</source>
        <translation>同一来源重复上报了同一事件。</translation>
    </message>
    <message>
        <source>The grid boundary is not a valid polygon.</source>
        <translation>网格边界不是有效的多边形。</translation>
    </message>
    <message>
        <source>report</source>
        <translation>上报案件</translation>
    </message>
    <message>
        <source>worker position</source>
        <translation>网格员定位</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>发现时间</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>数据表</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题类型</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>All problems</source>
        <translation>全部问题</translation>
    </message>
    <message numerus="yes">
        <source>%n refused row(s)</source>
        <translation>
            <numerusform>已拒收 %n 条记录</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueueFilterBar</name>
    <message>
        <source>Jurisdiction: the whole district, a street, a community</source>
        <extracomment>How deep each level is indented in the jurisdiction list.</extracomment>
        <translation>辖区：全区、街道、社区或网格</translation>
    </message>
    <message>
        <source>Whole district</source>
        <translation>全区</translation>
    </message>
    <message>
        <source>All classes</source>
        <translation>全部大类</translation>
    </message>
    <message>
        <source>All items</source>
        <translation>全部小类</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation>全部优先级</translation>
    </message>
    <message>
        <source>Search code, description, item, grid…</source>
        <translation>搜索编号、描述、事项、网格…</translation>
    </message>
</context>
<context>
    <name>Queues</name>
    <message>
        <source>New reports</source>
        <extracomment>How often the countdowns follow the clock, and how fast emergencies flash. The column whose text and colour follow the clock (see ``ticket_columns``). The columns follow the rows on screen at most this often while tickets stream in. How long after a change the queues not on screen take it in (``QueuePanel._update``): the map's and the queue's own paint on screen go first (Chromium's tasks run on this thread too), then the other queues, one a turn of the event loop. English source text, marked for lupdate; shown through ``_tr``. The statuses a member has, and what else it must meet at the time (if anything). Membership set from outside (the overdue forecast's marks), not by a rule.</extracomment>
        <translation>新上报</translation>
    </message>
    <message>
        <source>To dispatch</source>
        <translation>待派遣</translation>
    </message>
    <message>
        <source>Not yet accepted</source>
        <translation>待接单</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>To verify and close</source>
        <translation>待核查结案</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>At risk (next hour)</source>
        <translation>超期预警（1小时内）</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
</context>
<context>
    <name>Refusals</name>
    <message>
        <source>Say why the ticket is {past}: a reason is required.</source>
        <extracomment>The data layer's sentences, spelled out for lupdate (a test keeps them equal).</extracomment>
        <translation>请说明{action}的理由：理由为必填项。</translation>
    </message>
    <message>
        <source>Choose either a worker or a department to send the ticket to.</source>
        <translation>请选择派遣给网格员或部门（二选一）。</translation>
    </message>
    <message>
        <source>A department name has at most {limit} characters.</source>
        <translation>部门名称最多 {limit} 个字符。</translation>
    </message>
    <message>
        <source>Worker {worker} is unknown or no longer active.</source>
        <translation>网格员 {worker} 不存在或已停用。</translation>
    </message>
    <message>
        <source>Ticket {code} is {status}: this login may not acknowledge it.</source>
        <translation>工单 {code} 当前为“{status}”：此账号不能确认它。</translation>
    </message>
    <message>
        <source>There is no action called {action}.</source>
        <translation>没有名为 {action} 的操作。</translation>
    </message>
    <message>
        <source>Ticket {code} has no extension waiting for a decision.</source>
        <translation>工单 {code} 没有待审批的延期申请。</translation>
    </message>
    <message>
        <source>Ticket {code} is {status}: it cannot be {past} now.</source>
        <translation>工单 {code} 当前为“{status}”，现在不能执行“{action}”。</translation>
    </message>
    <message>
        <source>Say why the extension is refused: a reason is required.</source>
        <translation>请说明不批准延期的理由：理由为必填项。</translation>
    </message>
    <message>
        <source>A {role} may not mute the siren; a supervisor may.</source>
        <translation>{role}不能将警报静音，核查督办员可以。</translation>
    </message>
    <message>
        <source>The siren can be muted for {spans} minutes, not {minutes}.</source>
        <translation>警报只能静音 {spans} 分钟，不能是 {minutes} 分钟。</translation>
    </message>
    <message>
        <source>A {role} may not change the siren; a supervisor may.</source>
        <translation>{role}不能更改警报设置，核查督办员可以。</translation>
    </message>
    <message>
        <source>The database refused the action for this login: {detail}.</source>
        <translation>数据库拒绝了此账号的操作：{detail}。</translation>
    </message>
    <message>
        <source>A {role} may not have a ticket {past}.</source>
        <translation>{role}无权对工单执行“{action}”。</translation>
    </message>
    <message>
        <source>Ticket {ticket} does not exist or is outside your jurisdiction.</source>
        <translation>工单 {ticket} 不存在或不在您的管辖范围内。</translation>
    </message>
    <message>
        <source>Ticket {code} is outside your jurisdiction ({level} {scope}).</source>
        <translation>工单 {code} 不在您的管辖范围内（{level} {scope}）。</translation>
    </message>
    <message>
        <source>There is no item type {category}.</source>
        <translation>没有事项类型 {category}。</translation>
    </message>
    <message>
        <source>Ticket {code} is already filed under {category}.</source>
        <translation>工单 {code} 已归入“{category}”。</translation>
    </message>
    <message>
        <source>Ticket {code} was changed meanwhile by {who}{what}; it is now {status}. Nothing was overwritten: look at it again before acting.</source>
        <translation>工单 {code} 刚被{who}{what}改动，现为“{status}”。未覆盖任何内容：请重新查看后再操作。</translation>
    </message>
    <message>
        <source>someone else</source>
        <translation>他人</translation>
    </message>
    <message>
        <source>{name} ({role})</source>
        <translation>{name}（{role}）</translation>
    </message>
    <message>
        <source> ({action})</source>
        <translation>（{action}）</translation>
    </message>
    <message>
        <source> ({action} at {time})</source>
        <translation>（{time} {action}）</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <source>Back to live</source>
        <extracomment>One press of a step button or an arrow key. The slider's resolution, and its page (PageUp / PageDown, a click beside the handle). How often a playing replay asks for the next moment (it never asks twice at once). The moment last asked for, and whether the one shown has arrived since.</extracomment>
        <translation>返回实时</translation>
    </message>
    <message>
        <source>Leave the replay: the map shows now again (Esc)</source>
        <translation>退出回放：地图重新显示当前状态（退出键）</translation>
    </message>
    <message>
        <source>◀ 1 min</source>
        <translation>◀ 1 分钟</translation>
    </message>
    <message>
        <source>One minute back (←)</source>
        <translation>后退一分钟（←）</translation>
    </message>
    <message>
        <source>1 min ▶</source>
        <translation>1 分钟 ▶</translation>
    </message>
    <message>
        <source>One minute on (→)</source>
        <translation>前进一分钟（→）</translation>
    </message>
    <message>
        <source>Play at %1 times real time</source>
        <translation>以 %1 倍速播放</translation>
    </message>
    <message>
        <source>❚❚ Pause</source>
        <translation>❚❚ 暂停</translation>
    </message>
    <message>
        <source>▶ Play</source>
        <translation>▶ 播放</translation>
    </message>
    <message>
        <source>Play or pause the replay (Space)</source>
        <translation>播放或暂停回放（空格）</translation>
    </message>
    <message>
        <source>playing at %1×</source>
        <translation>%1× 播放中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>REPLAY — %1 — not live (%2)</source>
        <translation>回放 — %1 — 非实时（%2）</translation>
    </message>
</context>
<context>
    <name>ReplayController</name>
    <message>
        <source>Queues as they stood at %1 (replay)</source>
        <extracomment>How long after a moment is shown the hours either side are read (``_read_ahead``): the reads take the interpreter lock from the page's answer and the panels' paints. The window a replay opens on by default: the last day, at an hour ago. Active workers by status (the workers panel's counts). A moment is on the map and in the queues: its time, and ms since it was asked for. The live thread's worker fixes, held back while a step is read and shown. The moment on screen as a store (``None`` while live). The moment shown, read again only where it may differ from the next one asked. Moments read ahead of a step (``_read_ahead``): time -&gt; (the frame read from, the frame), and how many steps found theirs there. Moments handed to the live thread's queue and not yet presented. The moment the replay's workers panel shows. The worker whose track the map shows at the replayed moment (``None``: nobody).</extracomment>
        <translation>%1 时的队列（回放）</translation>
    </message>
    <message>
        <source>Workers as they stood at %1 (replay)</source>
        <translation>%1 时的网格员（回放）</translation>
    </message>
    <message>
        <source>The replay could not be read: %1</source>
        <translation>无法读取回放：%1</translation>
    </message>
</context>
<context>
    <name>TableExport</name>
    <message>
        <source>Export to XLSX…</source>
        <extracomment>The exact value a cell is exported as, when a model knows better than its text. The kind of a column (``int``, ``rate``, …; see ``db/reports/export.py``), asked of the horizontal header with this role.</extracomment>
        <translation>导出为 XLSX…</translation>
    </message>
    <message>
        <source>Export to CSV…</source>
        <translation>导出为 CSV…</translation>
    </message>
    <message>
        <source>Export table</source>
        <translation>导出表格</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>TeamModel</name>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后定位</translation>
    </message>
</context>
<context>
    <name>TicketActions</name>
    <message>
        <source>%1 is already acknowledged.</source>
        <extracomment>A short word for the status bar (a key that does not apply to this ticket). The officer's ticket could not be shown in the queues (a filter hides it). The ticket the officer last chose (queue, map or E), known at once, before its detail has come back from the database: the keys act on this one. The version of that ticket when it was chosen: a key acts on what was seen, and the service layer says who changed it meanwhile. Clears whatever hides a ticket from the queues and selects it (the filter bar lives with the window); E uses it as the alarm banner does.</extracomment>
        <translation>%1 已确认过。</translation>
    </message>
    <message>
        <source>%1 cannot be done on %2 now.</source>
        <translation>%2 当前不能执行：%1</translation>
    </message>
    <message>
        <source>That ticket is no longer on the board.</source>
        <translation>该案件已不在看板上。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reason (%1 · %2):</source>
        <translation>原因（%1 · %2）：</translation>
    </message>
    <message>
        <source>No reason given: %1 is unchanged.</source>
        <translation>未填写理由：%1 未作更改。</translation>
    </message>
    <message>
        <source>No emergency is waiting to be acknowledged.</source>
        <translation>没有待确认的紧急事件。</translation>
    </message>
    <message>
        <source>Choose a worker or a department.</source>
        <translation>请选择网格员或职能部门。</translation>
    </message>
    <message>
        <source>Not done</source>
        <translation>未完成</translation>
    </message>
</context>
<context>
    <name>TicketColumns</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1分钟</translation>
    </message>
    <message>
        <source>overdue by %1</source>
        <translation>已超时 %1</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办人</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>已用时</translation>
    </message>
</context>
<context>
    <name>TicketDetail</name>
    <message>
        <source>Acknowledge (A)</source>
        <translation>确认警报 (A)</translation>
    </message>
    <message>
        <source>Register (R)</source>
        <translation>立案 (R)</translation>
    </message>
    <message>
        <source>Dispatch… (D)</source>
        <translation>派遣… (D)</translation>
    </message>
    <message>
        <source>Re-dispatch…</source>
        <translation>改派…</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>上报街道</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>不予立案…</translation>
    </message>
    <message>
        <source>Verify (V)</source>
        <translation>核查 (V)</translation>
    </message>
    <message>
        <source>Close (C)</source>
        <translation>结案 (C)</translation>
    </message>
    <message>
        <source>Send back… (B)</source>
        <translation>退回返工… (B)</translation>
    </message>
    <message>
        <source>Approve extension</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Refuse extension…</source>
        <translation>驳回延期…</translation>
    </message>
    <message>
        <source>field system</source>
        <extracomment>How many suggested categories the panel offers (keys K, then 1, 2, 3). Who wrote a trace row, besides the console's roles: the systems that write too.</extracomment>
        <translation>现场系统</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>administration</source>
        <translation>系统管理</translation>
    </message>
    <message>
        <source>%1 (by its location)</source>
        <translation>%1（按位置判定）</translation>
    </message>
</context>
<context>
    <name>TicketDetailPanel</name>
    <message>
        <source>Select a ticket in a queue or on the map.</source>
        <extracomment>A ticket's detail is on screen (its id): suggestions may follow it. The officer took a suggested category: ticket id, item code.</extracomment>
        <translation>请在队列或地图上选择案件。</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>Reporter's phone</source>
        <translation>上报人电话</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办人</translation>
    </message>
    <message>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Trace (each step, who, when)</source>
        <translation>办理轨迹（环节、操作人、时间）</translation>
    </message>
    <message>
        <source>Suggested category (K, then 1–3):</source>
        <translation>建议类别（按 K 再按 1–3）：</translation>
    </message>
    <message>
        <source>Show on map (F)</source>
        <translation>地图定位 (F)</translation>
    </message>
    <message>
        <source>EMERGENCY</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>not yet assigned</source>
        <translation>尚未归属网格</translation>
    </message>
    <message>
        <source>full number: dispatchers and supervisors only</source>
        <translation>完整号码仅调度员和主管可见</translation>
    </message>
    <message>
        <source>extension asked → %1: %2</source>
        <translation>申请延期至 %1：%2</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>last fix %1</source>
        <translation>最后定位 %1</translation>
    </message>
    <message>
        <source>(unreadable photo)</source>
        <translation>（照片无法读取）</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>Reported</source>
        <extracomment>A step of a ticket's trace, named by what was done (``ticket_actions.action``).</extracomment>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>已立案</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>已处置</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>已核查</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Patrol</source>
        <translation>巡查上报</translation>
    </message>
    <message>
        <source>Hotline 12345</source>
        <translation>12345热线</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>感知设备</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>特急</translation>
    </message>
    <message>
        <source>High</source>
        <translation>较急</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>较缓</translation>
    </message>
    <message>
        <source>Full-time</source>
        <extracomment>A worker's role in the grid team ("1 + X + Y").</extracomment>
        <translation>专职</translation>
    </message>
    <message>
        <source>Part-time</source>
        <translation>兼职</translation>
    </message>
    <message>
        <source>Volunteer</source>
        <translation>志愿者</translation>
    </message>
    <message>
        <source>online</source>
        <extracomment>A worker's position feed, as the state store judges it (``WorkerState.status``).</extracomment>
        <translation>在线</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>信号滞后</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>viewer (wall screen)</source>
        <extracomment>The console operator's role (``gridcommand.db.actions.caseloop.ROLES``).</extracomment>
        <translation>只读（大屏）</translation>
    </message>
    <message>
        <source>dispatcher</source>
        <translation>调度员</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>核查督办员</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>管理人员</translation>
    </message>
    <message>
        <source>district</source>
        <extracomment>A level of the administrative hierarchy (an operator's jurisdiction).</extracomment>
        <translation>区</translation>
    </message>
    <message>
        <source>street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Re-dispatched</source>
        <translation>已改派</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已接单</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进展反馈</translation>
    </message>
    <message>
        <source>Sent back</source>
        <translation>已退回返工</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已上报街道</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>已重新打开</translation>
    </message>
    <message>
        <source>Handed back by the field</source>
        <translation>网格员退回</translation>
    </message>
    <message>
        <source>Category changed</source>
        <translation>已改类别</translation>
    </message>
    <message>
        <source>Re-prioritised</source>
        <translation>已调整优先级</translation>
    </message>
    <message>
        <source>Extension asked</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>Extension approved</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Extension refused</source>
        <translation>驳回延期</translation>
    </message>
    <message>
        <source>Call-back</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Alerts</source>
        <extracomment>The map's own words (legend headings and entries, tooltip keys), by page key.</extracomment>
        <translation>告警</translation>
    </message>
    <message>
        <source>on time</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>last quarter of time</source>
        <translation>临期（最后四分之一时限）</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>emergency</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Grids</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>overdue cases</source>
        <translation>有超时案件</translation>
    </message>
    <message>
        <source>open alerts</source>
        <translation>有在办告警</translation>
    </message>
    <message>
        <source>&gt; 500 households / full-timer</source>
        <translation>专职人均 &gt; 500 户</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>workers in the area (zoomed out)</source>
        <translation>区域内网格员数（缩小时）</translation>
    </message>
    <message>
        <source>%1 workers</source>
        <translation>%1 名网格员</translation>
    </message>
    <message>
        <source>click to zoom in</source>
        <translation>点击放大</translation>
    </message>
    <message>
        <source>open</source>
        <translation>在办</translation>
    </message>
    <message>
        <source>households</source>
        <translation>户数</translation>
    </message>
    <message>
        <source>households / full-timer</source>
        <translation>专职人均户数</translation>
    </message>
    <message>
        <source>code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <source>grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>last fix</source>
        <translation>最后定位</translation>
    </message>
</context>
<context>
    <name>WorkerScores</name>
    <message>
        <source>System score (30 days)</source>
        <extracomment>The days a card's score covers, as the grid drill-down's.</extracomment>
        <translation>系统考评（近30天）</translation>
    </message>
</context>
<context>
    <name>WorkersPanel</name>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>%1前</translation>
    </message>
    <message>
        <source>Status</source>
        <extracomment>The least time between two re-sorts of the workers table (see WorkersPanel.refresh). The column whose text follows the clock ("3 min ago").</extracomment>
        <translation>状态</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Last fix</source>
        <translation>最后定位</translation>
    </message>
    <message>
        <source>Find a worker or grid…</source>
        <extracomment>The workers whose rows may be out of order since the last reorder (added or their status changed); ``None`` until the rows have been put in order once. Counts by status given by the store (set_counts); until then counted from the rows.</extracomment>
        <translation>查找网格员或网格…</translation>
    </message>
    <message>
        <source>%1: computing the system score…</source>
        <translation>%1：正在计算系统考评…</translation>
    </message>
    <message>
        <source>%1: no system score</source>
        <translation>%1：暂无系统考评</translation>
    </message>
    <message>
        <source>Patrol share</source>
        <translation>巡查率</translation>
    </message>
    <message>
        <source>Handled on time</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>Reporting share</source>
        <translation>上报率</translation>
    </message>
    <message>
        <source>Satisfaction</source>
        <translation>满意率</translation>
    </message>
    <message>
        <source>%1 · system score %2 (last %3 days)</source>
        <translation>%1 · 系统考评 %2 分（近 %3 天）</translation>
    </message>
    <message>
        <source>● %1 online   ◐ %2 stale   ○ %3 offline</source>
        <translation>● 在线 %1   ◐ 信号滞后 %2   ○ 离线 %3</translation>
    </message>
</context>
</TS>