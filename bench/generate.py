"""Synthetic responsibility tables for the benchmark: realistic Chinese goals, task texts,
leaders and units, written as the clean CSV that ``taskduty load`` reads, plus twelve monthly
status updates per task inserted in bulk (the real ``taskduty update`` path is timed
separately on a sample).

Shapes follow the published tables: goals of 5–15 tasks under names of their own (a real
table does not give two goals one name), 序号 the goal's number on each of its rows, 1–2
leaders and 1–3 lead units per task, sometimes cooperating units and a deadline. Leaders
grow from 10 to 40 and lead units from 100 to 400 with the table's size. Everything is
seeded, so a size always gives the same table.
"""

from __future__ import annotations

import calendar
import csv
import random
import sqlite3
from datetime import date, datetime
from itertools import accumulate
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "国建明华志平军伟强永春海晓立新秋东福治峰俊荣文斌勇涛忠德红云刚光辉"
PLACES = ["湖塘", "牛塘", "雪堰", "礼嘉", "洛阳", "前黄", "嘉泽", "湟里", "横林", "横山桥",
          "遥观", "郑陆", "奔牛", "邹区", "孟河", "西夏墅", "薛家", "罗溪", "新桥", "春江",
          "南夏墅", "高新", "经开", "西太湖", "天宁", "钟楼", "新北", "戚墅堰", "芙蓉", "焦溪"]
PLACE_KINDS = ["镇", "街道", "园区管委会"]
DEPARTMENTS = ["发改局", "财政局", "经信局", "住建局", "交通运输局", "水利局", "农业农村局",
               "生态环境局", "商务局", "教育局", "卫健局", "文体广旅局", "市场监管局",
               "应急管理局", "自然资源和规划分局", "城管局", "公安分局", "人社局", "民政局",
               "司法局", "统计局", "审计局", "科技局", "税务局", "住房公积金中心", "行政审批局",
               "退役军人事务局", "医保局", "数据局", "供销总社", "国资办", "金融监管局",
               "投资促进中心", "城投集团", "交投集团", "组织部", "宣传部", "统战部", "政法委",
               "编办", "信访局", "档案馆", "总工会", "团区委", "妇联", "科协", "残联", "红十字会"]
GOAL_VERBS = ["加快", "推进", "深化", "强化", "提升", "优化", "全力推动", "扎实推进", "持续打造",
              "着力构建"]
GOAL_TOPICS = ["产业转型升级", "乡村振兴", "城乡融合发展", "生态文明建设", "营商环境", "科技创新",
               "民生保障", "社会治理", "文化强区建设", "对外开放", "城市更新", "交通基础设施建设",
               "教育现代化", "健康城区建设", "数字政府建设", "安全生产", "污染防治攻坚",
               "重大项目建设", "现代服务业", "先进制造业集群"]
TASK_VERBS = ["完成", "新建", "改造", "推动", "实施", "建成", "启动", "新增", "开工", "整治",
              "培育", "引进", "提升", "实现"]
TASK_OBJECTS = ["污水管网", "农村公路", "老旧小区", "高标准农田", "智能化改造项目", "专精特新企业",
                "公共租赁住房", "城市绿道", "体育公园", "养老服务中心", "中小学校舍",
                "社区卫生服务中心", "停车泊位", "充电桩", "5G基站", "河道综合整治",
                "黑臭水体治理", "工业企业技术改造", "重点产业项目", "人才公寓", "农贸市场",
                "便民服务中心", "公共文化设施", "雨污分流工程", "海绵城市示范区"]
UNITS_OF = ["公里", "个", "家", "处", "万平方米", "亩", "套", "项", "座", "条"]
TAILS = ["，确保年底前全面完工", "，年度投资完成率达到100%", "，群众满意度达到90%以上",
         "，形成可复制推广的经验", "，全年考核位居全市前列", "，按序时进度推进", "",
         "，完成省市下达的目标任务", "，建立长效管理机制"]
DEADLINES = ["6月底", "年底前", "三季度", "上半年", "9月30日", "全年", "11月底"]
NOTE_STEPS = ["完成前期调研", "项目立项获批", "完成方案设计", "开始招标采购", "已进场施工",
              "主体工程推进中", "完成年度投资过半", "进入收尾阶段", "组织初步验收",
              "完成竣工验收", "投入使用", "开展绩效评估"]
HEADER = ["序号", "目标名称", "工作标准", "分管领导", "牵头单位", "配合单位", "完成时限"]


def people(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct two- or three-character personal names."""
    names: set[str] = set()
    while len(names) < count:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        names.add(rng.choice(SURNAMES) + given)
    return sorted(names)


def units(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct unit names: departments, then towns, then departments of parks."""
    names = list(DEPARTMENTS)
    names += [p + rng.choice(PLACE_KINDS[:2]) for p in PLACES]
    names += [f"{p}{k}{d}" for p in PLACES for k in ("", "园区") for d in DEPARTMENTS[:12]]
    names = list(dict.fromkeys(names))
    rng.shuffle(names)
    return names[:count]


def sizes_for(n_tasks: int) -> tuple[int, int]:
    """(leaders, lead units) for a table of ``n_tasks``: 10–40 and 100–400."""
    return min(40, 10 + n_tasks // 1700), min(400, 100 + n_tasks // 170)


def make_rows(n_tasks: int, seed: int = 7, search_word: str = "污水") -> list[list[str]]:
    """The CSV rows (with header) of a table of ``n_tasks`` tasks."""
    rng = random.Random(seed * 1_000_003 + n_tasks)
    n_leaders, n_units = sizes_for(n_tasks)
    leaders = people(rng, n_leaders)
    unit_names = units(rng, n_units)
    # A few busy leaders and units, as in real tables. Cumulative weights, summed once: the
    # same picks as ``choices(names, weights)``, without summing 400 weights per pick.
    leader_weights = list(accumulate(1 / (i + 1) ** 0.6 for i in range(len(leaders))))
    unit_weights = list(accumulate(1 / (i + 1) ** 0.8 for i in range(len(unit_names))))
    rows = [HEADER]
    goal_no = 0
    made = 0
    taken: set[str] = set()
    while made < n_tasks:
        goal_no += 1
        goal = goal_name(rng, taken)
        for _ in range(min(rng.randint(5, 15), n_tasks - made)):
            obj = search_word + "管网" if rng.random() < 0.03 else rng.choice(TASK_OBJECTS)
            text = (f"{rng.choice(TASK_VERBS)}{rng.choice(PLACES)}{obj}"
                    f"{rng.randint(2, 300)}{rng.choice(UNITS_OF)}{rng.choice(TAILS)}。")
            task_leaders = _pick(rng, leaders, leader_weights, rng.choice((1, 1, 1, 2)))
            lead = _pick(rng, unit_names, unit_weights, rng.choice((1, 1, 1, 2, 3)))
            co = ([u for u in _pick(rng, unit_names, unit_weights, rng.randint(1, 2))
                   if u not in lead] if rng.random() < 0.3 else [])
            deadline = rng.choice(DEADLINES) if rng.random() < 0.4 else ""
            rows.append([str(goal_no), goal, text, "、".join(task_leaders), "、".join(lead),
                         "、".join(co), deadline])
            made += 1
    return rows


def goal_name(rng: random.Random, taken: set[str]) -> str:
    """A goal name not in ``taken`` (then added): 推进乡村振兴, then with a place, then with an
    object, as real tables name goals more precisely once the plain topics are used up."""
    verb, topic = rng.choice(GOAL_VERBS), rng.choice(GOAL_TOPICS)
    place, obj = rng.choice(PLACES), rng.choice(TASK_OBJECTS)
    for name in (f"{verb}{topic}", f"{verb}{place}{topic}", f"{verb}{place}{obj}{topic}"):
        if name not in taken:
            break
    else:
        name = f"{verb}{place}{obj}{topic}（{len(taken) + 1}）"
    taken.add(name)
    return name


def _pick(rng: random.Random, names: list[str], cum_weights: list[float], k: int) -> list[str]:
    picked: list[str] = []
    while len(picked) < k:
        name = rng.choices(names, cum_weights=cum_weights)[0]
        if name not in picked:
            picked.append(name)
    return picked


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    """UTF-8 with BOM, as Excel and ``taskduty convert`` write it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def month_ends(year: int) -> list[date]:
    return [date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, 13)]


def add_updates(db_path: Path, year: int, seed: int = 7) -> int:
    """Twelve monthly updates per task of ``year``, in one batch, straight into SQLite.

    The values have the shapes the ORM writes (ISO dates, ``YYYY-MM-DD HH:MM:SS.ffffff``
    datetimes) so every query reads them as it reads recorded updates.
    """
    rng = random.Random(seed + year)
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            (plan_id,) = conn.execute("SELECT id FROM plan WHERE year = ?", (year,)).fetchone()
            task_ids = [r[0] for r in conn.execute(
                "SELECT id FROM task WHERE plan_id = ? ORDER BY id", (plan_id,))]
            stamp = datetime(year + 1, 1, 5, 9, 0, 0).strftime("%Y-%m-%d %H:%M:%S.%f")
            cur = conn.execute(
                "INSERT INTO batch (kind, recorded_by, recorded_at) VALUES ('update', ?, ?)",
                ("bench", stamp))
            batch_id = cur.lastrowid
            days = month_ends(year)
            rows = []
            for task_id in task_ids:
                finish = rng.randint(4, 16)  # month it gets done (> 12: not this year)
                lag = rng.random() < 0.15
                for m, day in enumerate(days, start=1):
                    progress = min(100, round(100 * m / finish))
                    status = ("done" if progress >= 100 else "behind" if lag and m > 3
                              else "in_progress" if m > 1 else "not_started")
                    step = NOTE_STEPS[min(m - 1, len(NOTE_STEPS) - 1)]
                    note = f"{m}月：{step}，完成{progress}%。"
                    rows.append((task_id, batch_id, day.isoformat(), status, progress, note,
                                 "bench", "bench", stamp))
            conn.executemany(
                'INSERT INTO task_update (task_id, batch_id, date, status, progress, note, "by", '
                "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        conn.close()
    return len(rows)
