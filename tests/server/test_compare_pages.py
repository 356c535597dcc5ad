"""Compare, timeline, briefing, embed snippet and region series over HTTP."""

from __future__ import annotations

import io
import json
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.server.test_pages import EXTERNAL

HTML = {"Accept": "text/html"}
IND = "indicator=patent_applications"
LEGEND = re.compile(r'<div class="ipmap-legend">(.*?)</div>\s*</figcaption>', re.S)


def test_compare_page_has_three_maps_with_one_legend_for_both_years(years_client: TestClient) -> None:
    r = years_client.get(f"/compare?{IND}&year=2023&base_year=2016", headers=HTML)
    assert r.status_code == 200 and not EXTERNAL.search(r.text)
    legends = LEGEND.findall(r.text)
    assert len(legends) == 3
    rows = [re.findall(r'background:(#\w+)"></i>([^<]+)', lg) for lg in legends]
    assert rows[0] == rows[1] and rows[0] != rows[2]  # same classes, same colours; the change map its own
    assert "#f7f7f7" in legends[2] and "2016→2023" in r.text
    assert "L.Map.Sync.js" in r.text and r.text.count("<figure") == 3
    assert len(set(re.findall(r'id="(map_\w+)"', r.text))) == 3  # ids do not collide


def test_compare_ranking_has_percent_change_and_average_annual_growth_columns(years_client: TestClient) -> None:
    r = years_client.get(f"/compare?{IND}&level=prefecture&year=2023&base_year=2016", headers=HTML)
    assert '<button type="button" data-sort="change-pct">变化率</button>' in r.text
    values = {v["adcode"]: v["value"] for v in years_client.get(f"/api/values?{IND}&level=prefecture&year=2023")
              .json()["values"]}
    before = {v["adcode"]: v["value"] for v in years_client.get(f"/api/values?{IND}&level=prefecture&year=2016")
              .json()["values"]}
    row = re.search(r'<tr data-adcode="620100"[^>]*data-change-pct="([-\d.e]+)"(.*?)</tr>', r.text, re.S)
    assert row, "no % change on 兰州's row"
    pct = (values["620100"] - before["620100"]) / before["620100"] * 100
    assert abs(float(row.group(1)) - pct) < 1e-6  # the number it sorts by
    assert f"{'+' if pct > 0 else ''}{pct:.1f}%</td>" in row.group(2)  # and the one it shows
    # and the average annual growth over the seven years, beside it: compound, sortable, with the made-up mark
    assert '<button type="button" data-sort="annual-growth">年均增长率</button>' in r.text
    grown = re.search(r'<tr data-adcode="620100"[^>]*data-annual-growth="([-\d.e]+)"(.*?)</tr>', r.text, re.S)
    assert grown, "no average annual growth on 兰州's row"
    cagr = ((values["620100"] / before["620100"]) ** (1 / 7) - 1) * 100
    assert abs(float(grown.group(1)) - cagr) < 1e-9 and abs(cagr) < abs(pct)
    assert f"{'+' if cagr > 0 else ''}{cagr:.1f}%</td>" in grown.group(2)
    assert "年均增长率为2016→2023共7年的复合增长率。" in r.text
    assert re.search(r'id="ranking-title">排名 <span class="flag-illustrative">示意数据</span>', r.text)
    # one year apart it would repeat the % change: not offered, nor on the map page
    one = years_client.get(f"/compare?{IND}&level=prefecture&year=2023&base_year=2022", headers=HTML).text
    page = years_client.get(f"/map?{IND}&level=prefecture&year=2023&base_year=2016", headers=HTML).text
    assert "annual-growth" not in one and "annual-growth" not in page


def test_one_year_indicator_lands_on_a_choice_not_a_404(client: TestClient) -> None:
    for page in ("compare", "timeline"):
        r = client.get(f"/{page}?level=county", headers=HTML)  # population: the 2020 census only
        assert r.status_code == 200 and "常住人口只有 2020 年的数据" in r.text
        assert f'href="/{page}?level=county&amp;indicator=patent_applications"' in r.text
    r = client.get("/timeline?level=county&lang=en", headers=HTML)
    assert r.status_code == 200 and "Resident population has data for 2020 only" in r.text
    r = client.get("/compare?indicator=population&base_year=2019", headers=HTML)  # a year it does not have
    assert r.status_code == 404 and "base_year" in r.text


def test_map_page_ranking_has_change_per_10k_share_and_embed_snippet(years_client: TestClient) -> None:
    r = years_client.get(f"/map?level=prefecture&{IND}&region=620100", headers=HTML)
    assert r.status_code == 200
    assert 'data-sort="change"' in r.text and 'data-sort="rank-change"' in r.text and 'data-sort="per10k"' in r.text
    assert 'data-region="620100"' in r.text and 'tr data-adcode="620100"' in r.text
    assert "&lt;iframe src=&#34;/embed?level=prefecture&amp;indicator=patent_applications" in r.text
    assert "/export.png?level=prefecture&amp;indicator=patent_applications&amp;region=620100" in r.text
    assert "ipmap-spark" in r.text  # sparklines in the tooltips
    assert "/static/js/ipmap.js" in r.text


def test_timeline_embeds_per_year_fills(years_client: TestClient) -> None:
    r = years_client.get(f"/timeline?{IND}&level=prefecture", headers=HTML)
    assert r.status_code == 200 and 'id="ipmap-timeline-data"' in r.text and 'type="range"' in r.text
    assert r.text.count('"620100": [') >= 2  # fills and values of one unit


def test_briefing_page_in_chinese_and_english(years_client: TestClient) -> None:
    r = years_client.get(f"/briefing?{IND}&level=county", headers=HTML)
    assert r.status_code == 200 and not EXTERNAL.search(r.text)
    assert "规划目标完成情况" in r.text and "每万人口发明专利拥有量" in r.text and "前 10 位" in r.text
    assert "/export.svg?" in r.text and "@page" not in r.text and "briefing.css" in r.text
    en = years_client.get(f"/briefing?{IND}&lang=en", headers=HTML)
    assert "Key figures against the plan" in en.text and "Invention patents in force per 10,000 people" in en.text


def test_region_series_json_svg_and_partial(years_client: TestClient) -> None:
    r = years_client.get("/api/regions/620102/series?indicator=patent_applications")
    body = r.json()
    assert r.status_code == 200 and body["years"] == list(range(2016, 2024)) and body["illustrative"]
    assert body["svg"].startswith("<svg") and body["target"] is None
    tgt = years_client.get("/api/regions/620000/series?indicator=invention_patents_per_10k").json()
    assert tgt["target"]["year"] == 2020 and "ipmap-target" in tgt["svg"]
    svg = years_client.get("/regions/620000/series.svg?indicator=invention_patents_per_10k")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    part = years_client.get("/regions/620102/series?indicator=patent_applications", headers=HTML)
    assert "<figure" in part.text and "示意数据" in part.text and "<html" not in part.text
    assert years_client.get("/api/regions/999999/series").status_code == 404
    assert years_client.get("/api/regions/620102/series?indicator=nope").status_code == 404


def test_briefing_verdicts_follow_the_rules_on_the_default_store(client: TestClient) -> None:
    """Per 10k: the cited mid-2020 figure (2.94) against 3.5, never a later or illustrative sum; baselines and PCT
    after 2020 are never judged; the page says why a target cannot be assessed."""
    r = client.get("/briefing", headers=HTML)
    rows = {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r'<tr class="verdict-.*?</tr>', r.text, re.S)}
    per_10k = next(row for row in rows if row.startswith("每万人口发明专利拥有量"))
    assert "2.94" in per_10k and "截至2020-06未达到" in per_10k and "已达到" not in per_10k
    pct = next(row for row in rows if row.startswith("PCT"))
    assert "39" in pct and "2018" in pct and "35" not in pct  # 2023's 35 is after the plan's horizon
    for name in ("设立知识产权管理机构的县区", "知识产权优势（示范）企业", "成立专利行政执法支队的市州"):
        baseline = next(row for row in rows if row.startswith(name))  # 34 vs ≥60, 101 vs ≥200, 2 vs ≥7
        assert "无法评估" in baseline and "基期" in baseline
    # 10 national pilots (2015) are another quantity than the target's 30 national and provincial ones
    strong = next(row for row in rows if row.startswith("国家和省级知识产权强县工程试点县"))
    assert "无法评估" in strong and "10" not in strong.split("≥30")[1]
    growth = next(row for row in rows if row.startswith("专利申请受理量年增长率"))
    assert "无法评估" in growth  # only the 2011-2015 baseline; the made-up yearly rates are never judged
    assert not [row for row in rows if "已达到" in row]  # nothing on this store is shown as met
    pdf = client.get("/briefing.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "截至2020-06未达到" in text and "无法评估" in text


def test_the_compare_forms_two_years_choice_is_an_empty_field_not_an_unknown_indicator(years_client: TestClient
                                                                                       ) -> None:
    # what the compare picker sends with "— 两年对比 —" chosen, with or without JavaScript
    r = years_client.get(f"/compare?lang=zh&level=prefecture&{IND}&indicator2=&scheme=quantiles&k=5", headers=HTML)
    assert r.status_code == 200 and r.text.count("<figure") == 3


def test_timeline_ranking_flag_follows_each_years_kind(client: TestClient) -> None:
    # 兰州's valid invention patents are real in 2024 only; with the demonstration on, 2016-2023 are illustrative.
    # The ranking's flag must say so for the year the slider shows, not only for the year the page opened on.
    q = "level=prefecture&indicator=valid_invention_patents&demo=true"
    page = client.get(f"/timeline?{q}&year=2024", headers=HTML).text
    data = json.loads(re.search(r'id="ipmap-timeline-data"[^>]*>(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    for year in data["rankings"]:
        values = client.get(f"/api/values?{q}&year={year['year']}").json()
        kinds = {v["provenance"] for v in values["values"] if v["value"] is not None}
        assert year["illustrative"] == bool(kinds & {"illustrative", "computed_illustrative"}), year["year"]
    assert {y["illustrative"] for y in data["rankings"]} == {True, False}
    # opened on the real year: the flag is in the page for the script, hidden
    assert re.search(r'<span class="flag-illustrative" hidden>', page)
    shown = client.get(f"/timeline?{q}&year=2023", headers=HTML).text
    assert re.search(r'<span class="flag-illustrative">', shown)
