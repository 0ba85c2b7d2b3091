"""Chinese place and person names for the demo district, drawn deterministically."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌海燕鹏辉俊晓雪梅琳"
PLACE = [
    "市桥",
    "沙头",
    "东环",
    "桥南",
    "小谷围",
    "大石",
    "洛浦",
    "钟村",
    "石壁",
    "大龙",
    "南村",
    "新造",
    "化龙",
    "石楼",
    "石碁",
    "沙湾",
    "东涌",
    "榄核",
    "榄山",
    "丽江",
    "星河",
    "华南",
    "祈福",
    "番禺",
    "南浦",
    "清河",
    "富华",
    "德兴",
    "繁华",
    "平康",
    "云星",
    "东兴",
    "西丽",
    "捷进",
    "北城",
    "光明",
    "福涌",
    "沙园",
    "长堤",
    "新桥",
    "龙美",
    "南湖",
    "碧桂",
    "迎宾",
    "汀根",
    "员岗",
    "官堂",
    "植村",
]
SUFFIX_COMMUNITY = ("社区", "社区", "社区", "村")


def person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    prefix = rng.choice(("138", "139", "135", "137", "150", "186", "188", "159", "177"))
    return prefix + f"{rng.randrange(10**8):08d}"


def place(rng: random.Random, used: set[str]) -> str:
    """A place name not used before in this district (two syllables when one runs out)."""
    for _ in range(200):
        name = rng.choice(PLACE)
        if rng.random() < 0.3 or name in used:
            name = rng.choice(PLACE)[0] + rng.choice(PLACE)[-1]
        if name not in used:
            used.add(name)
            return name
    name = f"{rng.choice(PLACE)}{len(used)}"
    used.add(name)
    return name


def street(rng: random.Random, used: set[str]) -> str:
    return place(rng, used) + "街道"


def community(rng: random.Random, used: set[str]) -> str:
    return place(rng, used) + rng.choice(SUFFIX_COMMUNITY)


def grid(community_name: str, number: int) -> str:
    return f"{community_name}第{number}网格"
