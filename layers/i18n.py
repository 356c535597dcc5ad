"""One message catalogue for every label the app shows: Chinese first, English second."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[str, ...] = ("zh", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"zh": "甘肃知识产权地图", "en": "Gansu IP Map"},
    "app_tagline": {"zh": "甘肃省各市州、县区知识产权（专利）发展与试点区域", "en": "Intellectual property across Gansu's prefectures and counties, and the plan's pilot zones"},
    "level_province": {"zh": "全省", "en": "Province"},
    "level_prefecture": {"zh": "市州", "en": "Prefectures"},
    "level_county": {"zh": "县区", "en": "Counties"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "year": {"zh": "年份", "en": "Year"},
    "level": {"zh": "层级", "en": "Level"},
    "scheme": {"zh": "分级方法", "en": "Classification"},
    "classes": {"zh": "分级数", "en": "Classes"},
    "scheme_quantiles": {"zh": "分位数", "en": "Quantiles"},
    "scheme_natural_breaks": {"zh": "自然断点", "en": "Natural breaks"},
    "scheme_equal_interval": {"zh": "等间距", "en": "Equal interval"},
    "scheme_user": {"zh": "自定义", "en": "User breaks"},
    "show": {"zh": "显示", "en": "Show"},
    "no_data": {"zh": "无数据", "en": "No data"},
    "source": {"zh": "来源", "en": "Source"},
    "boundaries": {"zh": "边界", "en": "Boundaries"},
    "rank": {"zh": "排名", "en": "Rank"},
    "value": {"zh": "数值", "en": "Value"},
    "region": {"zh": "地区", "en": "Region"},
    "illustrative": {"zh": "示意数据，非真实统计", "en": "Illustrative data, not real statistics"},
    "illustrative_short": {"zh": "示意数据", "en": "Illustrative"},
    "notes": {"zh": "说明", "en": "Notes"},
    "lanzhou_new_area_note": {
        "zh": "兰州新区（620171）为国家级新区，非县级行政区，人口普查单列 288,200 人；其土地位于永登县、皋兰县境内。县区图中两县仅计本县普查人口，兰州市合计（4,359,446）含兰州新区。",
        "en": "Lanzhou New Area (620171) is a state-level new area, not a county; the census counts its 288,200 residents apart, though its land lies within Yongdeng and Gaolan. County maps give those two counties their own census population; the Lanzhou total (4,359,446) includes the New Area.",
    },
    "lanzhou_rate_note": {
        "zh": "市州比率由分子、分母分别合计后相除，不对县区比率求和或平均。兰州市的值若由县区合计而来，分母为同样 8 个县区的普查人口（4,071,246，不含兰州新区 288,200 人）；若为兰州市公布的数，分母为全市人口 4,359,446。",
        "en": "Prefecture rates divide summed numerators by summed denominators; county rates are never added or averaged. Where Lanzhou's figure is a sum of its counties, the denominator is the same 8 counties' census population (4,071,246, without the New Area's 288,200); where it is a published city figure, the city's 4,359,446.",
    },
    "derived_ratio_note": {"zh": "计算值：{numerator} ÷ {denominator} × {scale}；分母取各地区最近年份的值（常住人口为 2020 年第七次人口普查）。", "en": "Computed: {numerator} ÷ {denominator} × {scale}; the denominator is each region's value in the nearest year (population: 2020 census)."},
    "derived_growth_note": {"zh": "计算值：{base}的同比增长率 =（本年 ÷ 上年 − 1）× 100。", "en": "Computed: year-on-year growth of {base} = (this year ÷ last year − 1) × 100."},
    "derived_share_note": {"zh": "计算值：{base}占全省合计（公布值，或 14 个市州合计）的百分比。", "en": "Computed: {base} as a percentage of the province total (published, or the sum of the 14 prefectures)."},
    "derived_progress_note": {"zh": "计算值：{base}占规划进度值的百分比。进度值由规划基期值线性推至目标值（2015 年 1.59 → 2020 年 3.5，全省目标）；100 = 按进度，低于 100 为落后，高于 100 为领先。", "en": "Computed: {base} as a percentage of the plan's on-track value, a straight line from the baseline to the target (1.59 in 2015 to 3.5 by 2020, a provincial target); 100 = on track, below is behind, above is ahead."},
    "derived_sum_note": {"zh": "没有公布值的上级地区由其全部下级地区相加得出；缺任一下级则不计算。", "en": "Where a parent region has no published figure, it is the sum of all its children; with any child missing it is left empty."},
    "on_track": {"zh": "按规划进度", "en": "on track"},
    "datum": {"zh": "坐标：WGS84（由高德 GCJ-02 转换）", "en": "Datum: WGS84 (converted from Amap GCJ-02)"},
    "open_map": {"zh": "打开地图", "en": "Open map"},
    "embed": {"zh": "嵌入", "en": "Embed"},
    "language_switch": {"zh": "English", "en": "中文"},
    "api": {"zh": "数据接口", "en": "API"},
    "indicators": {"zh": "指标目录", "en": "Indicators"},
    "regions": {"zh": "地区", "en": "Regions"},
    "rank_of": {"zh": "第 {rank} / {n} 位", "en": "{rank} of {n}"},
    "map_of": {"zh": "{indicator}（{year}年，{level}）", "en": "{indicator} ({year}, {level})"},
    "not_found": {"zh": "未找到", "en": "Not found"},
    "bad_request": {"zh": "参数有误", "en": "Bad parameter"},
    "generated": {"zh": "生成日期", "en": "Generated"},
    "plan_targets": {"zh": "规划目标", "en": "Plan targets"},
    "skip_to_map": {"zh": "跳到地图", "en": "Skip to map"},
}


def t(key: str, lang: str = "zh", **fmt: object) -> str:
    """The label in a language, falling back to Chinese; format fields filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**fmt) if fmt else text


def name_of(row: object, lang: str) -> str:
    """A region's or indicator's display name: name_zh, or name_en when English is asked for."""
    return str(getattr(row, "name_en" if lang == "en" else "name_zh"))
