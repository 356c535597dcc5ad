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
    # Compare, ranking, time series, export and briefing.
    "tip_series": {"zh": "历年", "en": "Over the years"},
    "tip_change": {"zh": "变化", "en": "Change"},
    "change_of": {"zh": "{indicator}变化（{base}→{year}年）", "en": "Change in {indicator} ({base}→{year})"},
    "compare": {"zh": "对比", "en": "Compare"},
    "compare_years": {"zh": "两年对比", "en": "Two years"},
    "compare_indicators": {"zh": "两指标对比", "en": "Two indicators"},
    "base_year": {"zh": "对比年份", "en": "Compare with"},
    "indicator2": {"zh": "对比指标", "en": "Second indicator"},
    "shared_classes": {"zh": "两图采用同一分级（按两组数据合并计算），颜色含义相同。", "en": "Both maps use one classification, computed over both sets of values, so a colour means the same on each."},
    "separate_classes": {"zh": "两个指标单位不同，各自分级；颜色不可直接比较。", "en": "The two indicators have different units, so each map has its own classes; colours are not comparable."},
    "diverging_note": {"zh": "橙色为减少，紫色为增加，灰色为变化较小；深浅对称。", "en": "Orange is a fall, purple a rise, grey little change; shades are symmetric around zero."},
    "change": {"zh": "变化", "en": "Change"},
    "change_pct": {"zh": "变化率", "en": "Change %"},
    "rank_change": {"zh": "名次变化", "en": "Rank change"},
    "per_10k": {"zh": "每万人", "en": "Per 10k people"},
    "share": {"zh": "占全省", "en": "Share of province"},
    "per_10k_note": {"zh": "每万人按2020年第七次人口普查常住人口计算。", "en": "Per 10k people uses the 2020 census resident population."},
    "sort_by": {"zh": "点击表头排序", "en": "Click a column heading to sort"},
    "timeline": {"zh": "逐年动画", "en": "Over the years"},
    "play": {"zh": "播放", "en": "Play"},
    "pause": {"zh": "暂停", "en": "Pause"},
    "fixed_classes": {"zh": "各年份采用同一分级（按全部年份数据计算），便于看出变化。", "en": "Every year uses one classification, computed over all years, so change shows."},
    "time_series": {"zh": "历年变化", "en": "Time series"},
    "target_line": {"zh": "{year}年规划目标 {cmp}{value}", "en": "{year} plan target {cmp}{value}"},
    "export": {"zh": "导出", "en": "Export"},
    "embed_snippet": {"zh": "复制以下代码嵌入网页：", "en": "Copy this code into a web page:"},
    "embed_frame_note": {"zh": "跨站嵌入需在服务器设置 IPMAP_FRAME_ANCESTORS 允许该网站。", "en": "Embedding on another site needs that site in the server's IPMAP_FRAME_ANCESTORS."},
    "copy": {"zh": "复制", "en": "Copy"},
    "briefing": {"zh": "简报", "en": "Briefing"},
    "briefing_title": {"zh": "知识产权简报", "en": "IP briefing"},
    "key_figures": {"zh": "规划目标完成情况", "en": "Key figures against the plan"},
    "target": {"zh": "目标", "en": "Target"},
    "latest": {"zh": "最新值", "en": "Latest"},
    "progress": {"zh": "进度", "en": "Progress"},
    "met": {"zh": "已达到", "en": "Met"},
    "not_met": {"zh": "未达到", "en": "Not met"},
    "no_observation": {"zh": "暂无数据", "en": "No data yet"},
    "sources": {"zh": "资料来源", "en": "Sources"},
    "top_units": {"zh": "前 {n} 位", "en": "Top {n}"},
    "bottom_units": {"zh": "后 {n} 位", "en": "Bottom {n}"},
    "print": {"zh": "打印", "en": "Print"},
    "full_table": {"zh": "完整数据见 CSV / XLSX 下载。", "en": "The full table is in the CSV / XLSX download."},
    "page": {"zh": "第 {n} 页", "en": "Page {n}"},
    "observed_in": {"zh": "{year}年", "en": "in {year}"},
    "no_font": {"zh": "未找到中文字体", "en": "No CJK font found"},
}


def t(key: str, lang: str = "zh", **fmt: object) -> str:
    """The label in a language, falling back to Chinese; format fields filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry["zh"]
    return text.format(**fmt) if fmt else text


def name_of(row: object, lang: str) -> str:
    """A region's or indicator's display name: name_zh, or name_en when English is asked for."""
    return str(getattr(row, "name_en" if lang == "en" else "name_zh"))
