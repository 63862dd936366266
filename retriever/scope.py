"""Scope: a question about a place the indexed documents never mention is not answered by them.

Chinese place names come from jieba's part-of-speech tags (`ns`); English ones from a short list of Chinese
provinces and major cities. A place counts as known when its Chinese name occurs anywhere in the indexed text;
provinces are never counted as out of scope (see `PROVINCES`).
"""
from __future__ import annotations

import logging
import re
import threading
from typing import Any

#: English names of provinces, autonomous regions and major cities → Chinese (for English questions).
PLACES_EN = {
    "beijing": "北京", "shanghai": "上海", "tianjin": "天津", "chongqing": "重庆", "guangzhou": "广州",
    "shenzhen": "深圳", "hangzhou": "杭州", "nanjing": "南京", "suzhou": "苏州", "wuhan": "武汉", "chengdu": "成都",
    "xi'an": "西安", "xian": "西安", "changsha": "长沙", "zhengzhou": "郑州", "hefei": "合肥", "jinan": "济南",
    "qingdao": "青岛", "xiamen": "厦门", "fuzhou": "福州", "kunming": "昆明", "guiyang": "贵阳", "nanning": "南宁",
    "haikou": "海口", "shenyang": "沈阳", "dalian": "大连", "harbin": "哈尔滨", "changchun": "长春",
    "shijiazhuang": "石家庄", "taiyuan": "太原", "lanzhou": "兰州", "xining": "西宁", "yinchuan": "银川",
    "urumqi": "乌鲁木齐", "lhasa": "拉萨", "hohhot": "呼和浩特", "nanchang": "南昌", "ningbo": "宁波",
    "hong kong": "香港", "macau": "澳门", "macao": "澳门", "taiwan": "台湾", "guangdong": "广东",
    "jiangsu": "江苏", "zhejiang": "浙江", "shandong": "山东", "henan": "河南", "hubei": "湖北", "hunan": "湖南",
    "hebei": "河北", "shanxi": "山西", "shaanxi": "陕西", "sichuan": "四川", "yunnan": "云南", "guizhou": "贵州",
    "guangxi": "广西", "hainan": "海南", "fujian": "福建", "jiangxi": "江西", "anhui": "安徽", "liaoning": "辽宁",
    "jilin": "吉林", "heilongjiang": "黑龙江", "gansu": "甘肃", "qinghai": "青海", "ningxia": "宁夏",
    "xinjiang": "新疆", "tibet": "西藏", "inner mongolia": "内蒙古", "hainan island": "海南",
}
#: Provinces are left out: documents name neighbours by abbreviation (川渝 for Sichuan–Chongqing), so a missing
#: full name does not mean the province is out of scope.
PROVINCES = frozenset("广东 江苏 浙江 山东 河南 湖北 湖南 河北 山西 陕西 四川 云南 贵州 广西 海南 福建 江西 "
                      "安徽 辽宁 吉林 黑龙江 甘肃 青海 宁夏 新疆 西藏 内蒙古 台湾".split())
_lock = threading.Lock()
_posseg: Any = None


def _pos() -> Any:
    global _posseg
    with _lock:
        if _posseg is None:
            import jieba
            import jieba.posseg
            jieba.setLogLevel(logging.WARNING)
            _posseg = jieba.posseg
    return _posseg


def places_in(query: str, lang: str) -> list[str]:
    """Chinese names of the places a question mentions."""
    if lang == "zh":
        return list(dict.fromkeys(w for w, flag in _pos().cut(query) if flag == "ns" and len(w) >= 2))
    q = query.lower()
    return list(dict.fromkeys(zh for en, zh in PLACES_EN.items() if re.search(rf"\b{re.escape(en)}\b", q)))


def unknown_places(query: str, lang: str, corpus_text: str) -> list[str]:
    """Cities the question names that the indexed text never mentions."""
    return [p for p in places_in(query, lang) if p not in PROVINCES and p not in corpus_text]
