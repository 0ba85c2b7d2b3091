"""How people actually describe a problem: varied, partial, misspelt, with a place in it.

A report's text rarely repeats its item's catalogue name. A patrol worker writes
"井盖没了", a caller says "路上有个大坑" and a WeChat user types two words and a
photo. The demo history and the field simulator both word their reports here, so
that a model suggesting a category from the text (``gridcommand.db.insight``) is
tested on text it has to understand, not looked up. Pure Python: the simulator, a
field system, may use it.
"""

from __future__ import annotations

import random

from gridcommand.db.demo import names

#: What people call an item instead of its catalogue name (the common ones).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "井盖缺失或损坏": ("井盖没了", "井盖被偷", "井盖破了", "窨井盖松动", "下水井盖翘起"),
    "路面塌陷": ("路面下沉", "地面塌了个洞", "马路陷下去了"),
    "道路坑洼破损": ("路上有大坑", "马路坑坑洼洼", "路面破烂", "路面开裂"),
    "人行道板松动": ("人行道砖翘起", "地砖松了", "走路踩到翘板溅一身水"),
    "护栏损坏": ("栏杆撞坏了", "隔离栏倒了", "护栏歪了"),
    "供水管道爆裂": ("水管爆了", "自来水管破裂喷水", "地下冒水"),
    "燃气管道泄漏": ("闻到煤气味", "燃气管漏气", "天然气味道很重"),
    "供电线路故障": ("整栋楼停电", "电线冒火花", "变压器有异响"),
    "桥梁设施损坏": ("桥栏杆断了", "天桥台阶破损", "桥面裂缝"),
    "占道经营": ("摊位摆到马路上", "商贩占用道路", "在路边摆摊卖菜"),
    "店外经营": ("店铺把货摆到门外", "饭店在门口摆桌", "超门窗经营"),
    "流动摊贩": ("小贩推车叫卖", "流动摆卖", "三轮车卖水果"),
    "违章搭建": ("私自加建铁皮房", "楼顶违建", "乱搭棚子"),
    "违规户外广告": ("广告牌乱挂", "横幅私挂", "大型广告牌没审批"),
    "乱张贴乱涂写": ("墙上贴满小广告", "牛皮癣广告", "电线杆上乱涂乱画"),
    "垃圾未及时清运": ("垃圾几天没人收", "垃圾没拉走", "垃圾站堆满发臭"),
    "垃圾桶破损或满溢": ("垃圾桶满了溢出来", "垃圾箱坏了", "果皮箱破损"),
    "暴露垃圾": ("路边一堆垃圾", "垃圾乱扔没人管", "草丛里都是垃圾"),
    "建筑垃圾乱倒": ("有人偷倒装修垃圾", "碎砖头乱堆", "装修废料倒在路边"),
    "渣土车撒漏": ("泥头车漏土", "土方车掉泥", "运输车撒了一路渣土"),
    "道路不洁": ("路面很脏", "街道没人扫", "路上都是泥浆"),
    "公厕脏乱或损坏": ("公共厕所很臭", "厕所没水冲", "公厕门坏了"),
    "路灯不亮": ("路灯坏了", "晚上路灯黑着", "街灯不亮一片漆黑", "灯杆不亮"),
    "交通信号灯故障": ("红绿灯坏了", "红绿灯不亮", "信号灯一直闪黄灯"),
    "交通标志损坏": ("路牌被撞倒", "指示牌歪了", "限速牌看不清"),
    "机动车乱停放": ("汽车乱停堵路", "小车停在人行道上", "车辆占用消防通道停放"),
    "非机动车乱停放": ("电动车乱停", "自行车堆在路口", "摩托车停满人行道"),
    "共享单车堆积": ("单车堆成山", "共享自行车太多堵路", "一大堆小黄车"),
    "僵尸车": ("长期停放的废车", "一辆车停了半年没动", "落满灰的破车"),
    "绿地破坏": ("草坪被踩坏", "绿化带被毁", "有人挖草皮"),
    "树木倒伏": ("大树倒了", "树被风吹倒压到路上", "树歪倒挡路"),
    "树枝遮挡": ("树枝挡住路灯", "树杈挡住红绿灯", "树枝太长挡视线"),
    "毁绿种菜": ("绿化带里种菜", "在公共绿地上开荒种菜"),
    "下水道堵塞": ("下水道堵了", "渠道不通", "地漏反水", "排水管堵塞"),
    "雨水井盖缺失": ("雨水箅子不见了", "排水井盖丢了"),
    "道路积水": ("下雨路面水很深", "路口水浸", "马路上积了一大片水"),
    "污水外溢": ("化粪池冒污水", "污水流到街上", "臭水漫出来"),
    "噪声扰民（施工）": ("工地太吵", "半夜打桩", "施工噪音大"),
    "噪声扰民（商业）": ("店铺大喇叭很吵", "广场舞音响太大声", "酒吧音乐扰民"),
    "夜间违规施工": ("晚上十二点还在施工", "深夜开工", "夜里挖路"),
    "沿街晾晒": ("衣服晒到街上", "在护栏上晾被子"),
    "乱拉线缆": ("电线乱拉", "私拉电线", "网线乱挂"),
    "架空线缆脱落": ("电线掉下来了", "线缆垂到地面", "空中线路断落"),
    "废弃家具乱堆": ("旧沙发扔在路边", "废旧床垫堆着", "旧家具没人清"),
    "户外油烟扰民": ("饭店油烟很大", "排油烟熏到楼上"),
    "露天烧烤": ("路边烧烤冒烟", "夜宵摊烤串烟很大"),
    "犬只扰民": ("狗整夜叫", "邻居家狗乱叫"),
    "无主犬只游荡": ("流浪狗", "野狗追人", "一群流浪犬"),
    "消防栓损坏": ("消火栓漏水", "消防栓被撞歪"),
    "盲道被占": ("盲道上停满车", "盲道被堵"),
    "河道漂浮物": ("河面上漂着垃圾", "河里一片水草和垃圾"),
    "河道违规排污": ("有管子往河里排脏水", "河水发黑发臭"),
    "工业废气排放": ("工厂排黑烟", "厂里冒出刺鼻气味"),
    "工业废水偷排": ("厂子偷偷排废水", "夜里往沟里排污水"),
    "打架斗殴": ("有人打架", "两伙人动手", "街上有人斗殴"),
    "盗窃线索": ("电动车被偷", "有人撬锁", "家里被盗"),
    "可疑人员": ("陌生人来回转悠", "有人形迹可疑"),
    "走失人员": ("老人走丢了", "小孩找不到了"),
    "电动车楼道充电": ("电瓶车推进楼道充电", "楼梯间给电动车充电"),
    "飞线充电": ("从楼上拉线给电动车充电", "电线吊下来充电"),
    "电梯故障困人": ("电梯困人", "有人被困在电梯里", "电梯卡住了"),
    "高空坠物隐患": ("阳台花盆快掉下来", "外墙瓷砖脱落"),
    "消防通道堵塞": ("消防通道被车堵死", "安全出口堆满杂物"),
    "火灾隐患": ("有烟冒出来", "电线老化冒烟", "杂物堆着怕着火"),
    "邻里纠纷": ("邻居吵架", "楼上漏水和邻居闹矛盾"),
    "劳资纠纷": ("老板拖欠工资", "工人讨薪"),
    "物业纠纷": ("物业不管事", "物业费争吵"),
    "独居老人探访": ("一个人住的老人好几天没出门", "独居老人需要上门看看"),
}

#: What a reporter adds, by item class: the words that give a class away without naming it.
CLASS_DETAIL: dict[str, tuple[str, ...]] = {
    "01": ("车辆经过很危险", "担心有人受伤", "晚上看不见"),
    "02": ("影响市容", "好几天了没人管", "居民意见很大", "影响通行"),
    "03": ("气味刺鼻", "污染环境", "附近居民投诉"),
    "04": ("请派人来看看", "大家很担心", "已经报警"),
    "05": ("安全隐患很大", "随时可能出事", "请尽快排查"),
    "06": ("万一着火就麻烦了", "消防车进不来"),
    "07": ("双方情绪激动", "需要调解"),
    "08": ("按计划上门", "本月随访"),
    "09": ("需要登记", "来咨询办理"),
    "10": ("需要上门服务", "家属来问"),
    "11": ("家里比较困难", "需要帮扶", "请社区跟进"),
}
OPENERS: dict[str, tuple[str, ...]] = {
    "patrol": ("巡查发现", "日巡查：", "网格员上报：", ""),
    "hotline": ("市民来电反映", "12345转办：", "来电人称", "热线工单："),
    "wechat": ("微信举报：", "随手拍：", "", "公众号留言："),
    "sensor": ("传感器告警：", "监测设备报警：", "物联网告警："),
}
CLOSERS = ("，请尽快处理。", "。", "，已拍照。", "，麻烦看一下", "！！", "，谢谢。", "")
FILLERS = ("那个", "好像", "麻烦", "请问", "又", "一直", "还是")
VAGUE = ("有个问题", "有情况", "这里有点问题", "需要处理一下", "请来看看")
LANDMARKS = ("小区东门", "菜市场门口", "公交站旁", "学校后门", "路口", "桥底", "停车场", "商场前")
#: Characters a hurried reporter types instead of the right one (pinyin input slips).
SLIPS = "的地得在再是事已以做作到道那哪他她它坏怀灯登路露水睡"


def mention(item_name: str, rng: random.Random) -> str:
    """The words a reporter uses for the item: its name, another word, a part of it."""
    roll = rng.random()
    synonyms = SYNONYMS.get(item_name, ())
    if roll < 0.3:
        words = item_name
    elif roll < 0.6 and synonyms:
        words = rng.choice(synonyms)
    elif roll < 0.85 and len(item_name) >= 4:
        size = rng.randint(2, len(item_name) - 1)
        start = rng.randint(0, len(item_name) - size)
        words = item_name[start : start + size]
    elif roll < 0.93:
        words = rng.choice(synonyms) if synonyms else item_name
    else:
        return rng.choice(VAGUE)
    if len(words) > 2 and rng.random() < 0.15:
        i = rng.randrange(len(words))
        words = words[:i] + rng.choice(SLIPS) + words[i + 1 :]
    return words


def place(grid_name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3 and grid_name:
        return grid_name
    if roll < 0.6:
        return f"{rng.choice(names.PLACE)}路{rng.randint(1, 300)}号"
    if roll < 0.85:
        return f"{rng.choice(names.PLACE)}{rng.choice(LANDMARKS)}"
    return ""


def describe(
    item_name: str, class_code: str, grid_name: str, source: str, rng: random.Random
) -> str:
    """One report's text: opener, place, the item in the reporter's words, detail, closer."""
    parts = [rng.choice(OPENERS.get(source, ("",)))]
    where = place(grid_name, rng)
    if where:
        parts.append(where + rng.choice(("", "附近", "这边", "，")))
    if rng.random() < 0.25:
        parts.append(rng.choice(FILLERS))
    parts.append(mention(item_name, rng))
    if rng.random() < 0.5:
        parts.append("，" + rng.choice(CLASS_DETAIL.get(class_code, VAGUE)))
    parts.append(rng.choice(CLOSERS))
    return "".join(parts).strip("，") or item_name
