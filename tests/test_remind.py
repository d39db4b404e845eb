"""``taskduty remind``: lead units that have not reported for a month."""

from __future__ import annotations

import json


def _remind(run, *args: str) -> dict:
    result = run("remind", "--month", "2018-03", "-f", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_all_units_unreported_before_any_update(seeded):
    data = _remind(seeded)
    units = json.loads(seeded("units", "-f", "json").stdout)
    assert {u["unit"] for u in data["units"]} == {u["name"] for u in units}
    counts = {u["name"]: u["tasks"] for u in units}
    for entry in data["units"]:
        assert len(entry["tasks"]) == counts[entry["unit"]]
    assert data["month"] == "2018-03" and data["deadline"] == "2018-04-05"


def test_update_in_month_counts_other_months_and_withdrawn_do_not(seeded):
    tasks = json.loads(seeded("tasks", "--unit", "发改局", "-f", "json").stdout)
    code = tasks[0]["code"]
    # an update in February does not count for March
    assert seeded("update", code, "-s", "推进中", "-d", "2018-02-28").exit_code == 0
    assert "发改局" in {u["unit"] for u in _remind(seeded)["units"]}
    assert seeded("update", code, "-s", "推进中", "-d", "2018-03-01").exit_code == 0
    entry = next(u for u in _remind(seeded)["units"] if u["unit"] == "发改局")
    assert [t["code"] for t in entry["tasks"]] == [t["code"] for t in tasks[1:]]
    assert (entry["total"], entry["reported"]) == (len(tasks), 1)
    assert seeded("undo").exit_code == 0  # withdrawn: no longer counts
    entry = next(u for u in _remind(seeded)["units"] if u["unit"] == "发改局")
    assert [t["code"] for t in entry["tasks"]] == [t["code"] for t in tasks]
    assert entry["tasks"][0]["standard"] == tasks[0]["standard"]


def test_text_notice_per_unit(seeded):
    result = seeded("remind", "--month", "2018-03", "--format", "text",
                    "--deadline", "2018-04-08", "--office", "区政府督查室")
    assert result.exit_code == 0, result.output
    data = _remind(seeded)
    notices = result.stdout.count("催办通知")
    assert notices == len(data["units"])
    first = data["units"][0]
    assert f"{first['unit']}：" in result.stdout
    assert "2018年4月8日前" in result.stdout
    assert "区政府督查室" in result.stdout
    for task in first["tasks"]:
        assert f"{task['code']}　{task['standard']}" in result.stdout


def test_table_format(seeded):
    result = seeded("remind", "--month", "2018-03", env={"TASKDUTY_LANG": "zh"})
    assert result.exit_code == 0, result.output
    assert "未报送" in result.stdout and "发改局" in result.stdout
    assert "未报送 2018-03" in result.stderr


def test_bad_month_is_usage_error(seeded):
    result = seeded("remind", "--month", "March")
    assert result.exit_code == 2
    assert "2018-03, 2018-3, 201803 or 2018年3月" in result.stderr


def test_remind_per_task_skips_done_and_units_with_all_reported(seeded, tmp_path):
    """A partly filled form: its blank rows are reminded; done tasks and units that reported
    every open task get no notice."""
    import openpyxl

    tasks = json.loads(seeded("tasks", "--unit", "发改局", "-f", "json").stdout)
    solo = [t["code"] for t in tasks if t["units"] == ["发改局"]]
    assert len(solo) >= 3
    # one task done back in January: not asked for again
    assert seeded("update", solo[0], "-s", "已完成", "-d", "2018-01-31").exit_code == 0
    out = seeded("forms", str(tmp_path / "f"), "--month", "2018-03", "--unit", "发改局")
    path = out.stdout.split("\t")[0]
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    ws.cell(rows[solo[1]], 6).value = "推进中"
    ws.cell(rows[solo[1]], 7).value = 0.5
    ws.cell(rows[solo[1]], 7).number_format = "0%"
    wb.save(tmp_path / "partly.xlsx")
    assert seeded("collect", str(tmp_path / "partly.xlsx")).exit_code == 0
    entry = next(u for u in _remind(seeded)["units"] if u["unit"] == "发改局")
    listed = [t["code"] for t in entry["tasks"]]
    assert solo[0] not in listed and solo[1] not in listed
    assert solo[2] in listed and len(listed) == len(tasks) - 2
    text = seeded("remind", "--month", "2018-03", "--format", "text").stdout
    notice = next(n for n in text.split("-" * 40) if "发改局：" in n)
    assert "已收到贵单位2018年3月1项任务的推进情况" in notice
    assert f"{solo[1]}　" not in notice and f"{solo[2]}　" in notice
    # every open task reported: no notice at all
    open_codes = [c for c in listed]
    assert seeded("update", *open_codes, "-s", "推进中", "-d", "2018-03-30",
                  "--by", "发改局").exit_code == 0
    assert "发改局" not in {u["unit"] for u in _remind(seeded)["units"]}
