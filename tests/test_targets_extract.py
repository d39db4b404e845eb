"""Reading quantitative targets out of task text (pure: no database).

The phrasings are those of responsibility tables (growth with 左右, amounts in 亿元/亿美元,
counts with measure words, 以上/以内/不低于, ranges, several targets in one task) and text that
only looks numeric. The cases are invented in the tables' shapes.
"""

from __future__ import annotations

from datetime import date

import pytest

from taskduty.numerals import read_chinese_number
from taskduty.targets import (
    assess,
    describe,
    extract_targets,
    parse_actual,
    year_elapsed,
)


def one(text: str) -> tuple:
    targets = extract_targets(text)
    assert len(targets) == 1, targets
    t = targets[0]
    return (t.kind, t.value, t.upper, t.unit, t.bound)


@pytest.mark.parametrize(("text", "expected"), [
    # growth
    ("地区生产总值增长8%。", ("growth", 8, None, "%", "exact")),
    ("一般公共预算收入增长9%左右。", ("growth", 9, None, "%", "about")),
    ("规上工业增加值增长7.5%以上", ("growth", 7.5, None, "%", "at_least")),
    ("外贸进出口总额增幅不低于5%", ("growth", 5, None, "%", "at_least")),
    ("文化产业增加值增长10%", ("growth", 10, None, "%", "exact")),
    ("城镇化率提高2个百分点", ("growth", 2, None, "个百分点", "exact")),
    ("高新技术产业产值增长一倍", ("growth", 1, None, "倍", "exact")),
    ("社会消费品零售总额增长８％左右", ("growth", 8, None, "%", "about")),
    # reduction
    ("单位地区生产总值能耗下降3%", ("reduction", 3, None, "%", "exact")),
    ("化学需氧量排放量降低4%以上", ("reduction", 4, None, "%", "at_least")),
    ("煤炭消费总量较2016年累计削减20万吨", ("reduction", 20, None, "万吨", "exact")),
    # level: amounts and counts with measure words
    ("实际利用外资7.6亿美元", ("level", 7.6, None, "亿美元", "exact")),
    ("年内完成投资510亿元以上", ("level", 510, None, "亿元", "at_least")),
    ("军民融合产值超过135亿元", ("level", 135, None, "亿元", "at_least")),
    ("新建、改造公厕58座", ("level", 58, None, "座", "exact")),
    ("新建幼儿园3所", ("level", 3, None, "所", "exact")),
    ("新建幼儿园三所", ("level", 3, None, "所", "exact")),
    ("新建中小学二十五所", ("level", 25, None, "所", "exact")),
    ("新增城镇就业十万人", ("level", 10, None, "万人", "exact")),
    ("新增城镇就业1.2万人", ("level", 1.2, None, "万人", "exact")),
    ("新增就业岗位4.8万个", ("level", 4.8, None, "万个", "exact")),
    ("完成河道清淤疏浚200公里", ("level", 200, None, "公里", "exact")),
    ("建设标准化厂房５万平方米", ("level", 5, None, "万平方米", "exact")),
    ("完成棚户区改造1200户", ("level", 1200, None, "户", "exact")),
    ("新认定高新技术企业100家以上", ("level", 100, None, "家", "at_least")),
    ("新开工项目不少于20个", ("level", 20, None, "个", "at_least")),
    ("全年接待游客超1000万人次", ("level", 1000, None, "万人次", "at_least")),
    ("粮食总产量稳定在25万吨左右", ("level", 25, None, "万吨", "about")),
    ("规划建设城东、城北两座大型垃圾转运站", ("level", 2, None, "座", "exact")),
    ("建成62个村（社区）综合文化服务中心", ("level", 62, None, "个", "exact")),
    ("PM2.5平均浓度控制在35微克/立方米以内", ("level", 35, None, "微克/立方米", "at_most")),
    ("建成5G基站1000个", ("level", 1000, None, "个", "exact")),
    ("发放助学金约1500万元", ("level", 1500, None, "万元", "about")),
    ("培训新型职业农民3000余人", ("level", 3000, None, "人", "at_least")),
    ("企业开办时间压缩至3个工作日以内", ("level", 3, None, "个工作日", "at_most")),
    # share and rate
    ("产业类外资占比60%以上", ("share", 60, None, "%", "at_least")),
    ("服务业增加值占地区生产总值的比重达到44.5%", ("share", 44.5, None, "%", "exact")),
    ("研发经费支出占地区生产总值比重达3.2%", ("share", 3.2, None, "%", "exact")),
    ("完成90%以上建档立卡低收入农户的脱贫工作", ("share", 90, None, "%", "at_least")),
    ("城镇调查失业率5.5%以内", ("rate", 5.5, None, "%", "at_most")),
    ("城镇登记失业率控制在3%以内", ("rate", 3, None, "%", "at_most")),
    ("空气质量优良率不低于80%", ("rate", 80, None, "%", "at_least")),
    ("城镇化率提高到75%", ("rate", 75, None, "%", "exact")),
    ("城乡居民医保参保率稳定在98%以上", ("rate", 98, None, "%", "at_least")),
    # ranges
    ("经济增长4.5%-5%", ("range", 4.5, 5, "%", "exact")),
    ("一般公共预算收入增长6%至7%", ("range", 6, 7, "%", "exact")),
    ("固定资产投资增长6-7%", ("range", 6, 7, "%", "exact")),
    ("新增上市挂牌企业5-8家", ("range", 5, 8, "家", "exact")),
    ("各镇重点培育1-2个农村精神文明建设示范点", ("range", 1, 2, "个", "exact")),
    ("新建公园三至五个", ("range", 3, 5, "个", "exact")),
    ("新增城镇就业3万至5万人", ("range", 3, 5, "万人", "exact")),
    ("经济增长6.5%～7%左右", ("range", 6.5, 7, "%", "about")),
    # a ceiling given or take: still a ceiling
    ("居民消费价格涨幅控制在3%左右", ("growth", 3, None, "%", "at_most")),
    # a bare number introduced by 达到/控制在
    ("营商环境评价指数达到90以上", ("level", 90, None, "", "at_least")),
    ("万元地区生产总值能耗控制在0.35以内", ("level", 0.35, None, "", "at_most")),
])
def test_one_target(text: str, expected: tuple) -> None:
    assert one(text) == expected


@pytest.mark.parametrize("text", [
    "城乡居民人均可支配收入与经济增长同步。",
    "万元地区生产总值能耗和空气质量优良率等环境质量指标完成上级下达任务。",
    "加快5G网络建设，推进千兆光网全覆盖",
    "编制“十四五”规划，谋划十四五重大项目",
    "深入实施“135”工程",
    "大力实施“263”专项行动，积极创建全省生态保护引领区",
    "落实2018年度小型农田水利重点县项目，实施中心城区闸站一期工程",
    "2019年6月底前完成主体工程，12月31日前投入使用",
    "1.1 加快推进重大项目建设",
    "（三）深化“放管服”改革",
    "深化农村土地制度改革三项试点",
    "精心培育工业智造300强企业，打造千亿级产业集群",
    "坚持扩总量、优存量，培育十大产业链",
    "提档升级城乡一体10分钟体育健身圈",
    "推进常州市第七人民医院二期工程建设，迁建武进第三人民医院",
    "加快制定“一河一策”，坚决防止“四风”变异反弹",
    "按照一核引领、全区联动的思路，推进新一轮总体规划",
    "争创国家4A级旅游景区",
    "争取进入全省前10名",
    "PM2.5和臭氧协同控制",
    "用3个月时间开展专项整治",
    "",
])
def test_no_target(text: str) -> None:
    assert extract_targets(text) == []


def test_several_targets_in_one_task() -> None:
    targets = extract_targets("实际利用外资7.6亿美元，产业类外资占比60%以上。")
    assert [(t.text, t.kind, t.value, t.unit, t.bound) for t in targets] == [
        ("实际利用外资7.6亿美元", "level", 7.6, "亿美元", "exact"),
        ("产业类外资占比60%以上", "share", 60, "%", "at_least"),
    ]
    targets = extract_targets("发放慈善救助金3800万元，惠及1.1万人次")
    assert [(t.value, t.unit) for t in targets] == [(3800, "万元"), (1.1, "万人次")]
    targets = extract_targets("新建幼儿园3所、中小学2所，改造老旧小区15个")
    assert [(t.text, t.value, t.unit) for t in targets] == [
        ("新建幼儿园3所", 3, "所"), ("中小学2所", 2, "所"), ("改造老旧小区15个", 15, "个")]


def test_amounts_that_qualify_a_count_are_not_targets() -> None:
    text = ("力争引进100亿元或10亿美元项目2个、超50亿元或5亿美元项目3个、"
            "超30亿元或超3亿美元项目5个。")
    targets = extract_targets(text)
    assert [(t.text, t.value, t.unit, t.bound) for t in targets] == [
        ("力争引进100亿元或10亿美元项目2个", 2, "个", "exact"),
        ("超50亿元或5亿美元项目3个", 3, "个", "exact"),
        ("超30亿元或超3亿美元项目5个", 5, "个", "exact"),
    ]
    assert [t.value for t in extract_targets("招引1000万元以上项目20个")] == [20]


def test_describing_counts_are_not_targets_but_the_amount_beside_them_is() -> None:
    text = "保障汽车核心系统、二期等230个重点产业项目建设，年内完成投资510亿元以上。"
    assert [(t.value, t.unit, t.bound) for t in extract_targets(text)] == [
        (510, "亿元", "at_least")]


def test_target_text_and_growth_beside_a_non_target() -> None:
    targets = extract_targets("居民人均可支配收入增长8%左右，与经济增长同步")
    assert [(t.text, t.kind, t.bound) for t in targets] == [
        ("居民人均可支配收入增长8%左右", "growth", "about")]
    # a growth word before 增加值 is a noun, not a growth
    assert one("服务业增加值达到3000亿元") == ("level", 3000, None, "亿元", "exact")


def test_full_width_text_keeps_the_original_characters() -> None:
    [t] = extract_targets("地区生产总值增长８％")
    assert t.text == "地区生产总值增长８％" and t.value == 8 and t.unit == "%"


def test_values_are_ints_when_whole_and_to_dict_has_the_fields() -> None:
    [t] = extract_targets("新建幼儿园3所")
    assert isinstance(t.value, int)
    assert set(t.to_dict()) == {"text", "kind", "value", "upper", "unit", "bound"}
    assert describe(t) == "3所"
    assert describe(extract_targets("增长9%左右")[0]) == "≈+9%"
    assert describe(extract_targets("经济增长4.5%-5%")[0]) == "4.5–5%"
    assert describe(extract_targets("失业率5.5%以内")[0]) == "≤5.5%"


@pytest.mark.parametrize(("text", "value"), [
    ("三", 3), ("十", 10), ("十五", 15), ("二十五", 25), ("一百零五", 105), ("两千", 2000),
    ("一万二千", 12000), ("三亿", 300_000_000), ("十四五", None), ("一一", None),
])
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert read_chinese_number(text) == value


@pytest.mark.parametrize(("text", "unit", "value"), [
    ("8.2%", "%", 8.2), ("８．２％", "%", 8.2), ("8.2", "%", 8.2), (" 9 % ", "%", 9),
    ("3所", "所", 3), ("三所", "所", 3), ("12", "座", 12), ("1.2亿元", "万元", 12000),
    ("5000万元", "亿元", 0.5), ("7.9亿美元", "亿美元", 7.9), ("1,200户", "户", 1200),
    ("1.3万", "万人", 1.3), ("13000人", "万人", 1.3), ("-1.5%", "%", -1.5), (45, "个", 45),
    ("60%以上", "%", 60), ("2个百分点", "个百分点", 2),
])
def test_parse_actual(text: str | int, unit: str, value: float) -> None:
    assert parse_actual(text, unit) == pytest.approx(value)


@pytest.mark.parametrize(("text", "unit"), [
    ("很多", "所"), ("5亿元", "座"), ("8%", "亿元"), ("", "%"), ("3所", "%")])
def test_parse_actual_rejects(text: str, unit: str) -> None:
    with pytest.raises(ValueError):
        parse_actual(text, unit)


def test_year_elapsed_by_months() -> None:
    assert year_elapsed(2018, date(2018, 3, 31)) == pytest.approx(3 / 12)
    assert year_elapsed(2018, date(2018, 6, 30)) == pytest.approx(0.5)
    assert year_elapsed(2018, date(2018, 12, 31)) == 1.0
    assert year_elapsed(2018, date(2017, 12, 31)) == 0.0
    assert year_elapsed(2018, date(2019, 1, 15)) == 1.0


def test_assess_cumulative_levels_against_the_elapsed_year() -> None:
    [toilets] = extract_targets("新建、改造公厕58座")
    half = year_elapsed(2018, date(2018, 6, 30))
    assert assess(toilets, 30, half) == "on_course"   # 30 ≥ 58 × 0.5
    assert assess(toilets, 28, half) == "behind"
    assert assess(toilets, 58, half) == "met"
    assert assess(toilets, 60, 1.0) == "met"
    assert assess(toilets, 57, 1.0) == "behind"
    assert assess(toilets, None, half) is None
    [firms] = extract_targets("新增上市挂牌企业5-8家")
    assert assess(firms, 5, 0.2) == "met"
    assert assess(firms, 2, 0.5) == "behind"


def test_assess_figures_to_hold_against_the_target_and_its_bound() -> None:
    [gdp] = extract_targets("地区生产总值增长8%")
    assert assess(gdp, 8.3, 0.5) == "on_course"
    assert assess(gdp, 7.6, 0.5) == "behind"
    assert assess(gdp, 8.1, 1.0) == "met"
    [revenue] = extract_targets("一般公共预算收入增长9%左右")
    assert assess(revenue, 8.8, 1.0) == "met"       # 左右: within 5% of 9
    assert assess(revenue, 8.0, 1.0) == "behind"
    [jobless] = extract_targets("城镇调查失业率5.5%以内")
    assert assess(jobless, 4.9, 0.5) == "on_course"
    assert assess(jobless, 5.8, 0.5) == "behind"
    assert assess(jobless, 5.0, 1.0) == "met"
    [share] = extract_targets("产业类外资占比60%以上")
    assert assess(share.to_dict(), 61, 0.25) == "on_course"
    assert assess(share.to_dict(), 55, 0.25) == "behind"
    [growth_range] = extract_targets("经济增长4.5%-5%")
    assert assess(growth_range, 4.6, 1.0) == "met"
    assert assess(growth_range, 4.2, 0.5) == "behind"


# Pinned outputs of texts that exercise the one-search word checks (a verb of doing only
# before the count in its own clause, change words between an amount and a count).
PINNED = [
    ("引进10亿元项目2个，新建幼儿园3所",
     [("level", 2, None, "个", "exact", "引进10亿元项目2个"),
      ("level", 3, None, "所", "exact", "新建幼儿园3所")]),
    ("深化三项试点，完成投资5亿元", [("level", 5, None, "亿元", "exact", "完成投资5亿元")]),
    ("项目2个增长10亿元", [("growth", 10, None, "亿元", "exact", "项目2个增长10亿元")]),
    ("新建学校3所、医院2家", [("level", 3, None, "所", "exact", "新建学校3所"),
                             ("level", 2, None, "家", "exact", "医院2家")]),
    ("深化三项试点建设", []),
    ("建设三项试点", [("level", 3, None, "项", "exact", "建设三项试点")]),
    ("“十四五”新建3所", [("level", 3, None, "所", "exact", "“十四五”新建3所")]),
]


@pytest.mark.parametrize(("text", "want"), PINNED)
def test_pinned_outputs(text: str, want: list[tuple]) -> None:
    got = [(t.kind, t.value, t.upper, t.unit, t.bound, t.text) for t in extract_targets(text)]
    assert got == want


def test_targets_json_as_json_dumps_writes_it() -> None:
    from taskduty.targets import targets_json

    assert targets_json("新建学校3所") == (
        '[{"text": "新建学校3所", "kind": "level", "value": 3, "upper": null, "unit": "所", '
        '"bound": "exact"}]')
    assert targets_json("加强管理") is None


@pytest.mark.parametrize("text", [
    "地区生产总值增长8%左右，新建幼儿园三所", "降低4.5%-5.5%",
    '"引号"内外完成100家\\，新建1.25万平方米',
    "完成" + "9" * 400 + "亿元", "新建\t学校\u20283所", "控制在3%左右，新增就业1.2万人以上"])
def test_targets_json_is_what_json_dumps_gives(text: str) -> None:
    """targets_json writes its JSON directly: the same text as the encoder, escapes, floats
    and an overflowing number (Infinity) included."""
    import json

    from taskduty.targets import targets_json

    found = extract_targets(text)
    assert found
    assert targets_json(text) == json.dumps([t.to_dict() for t in found], ensure_ascii=False)
