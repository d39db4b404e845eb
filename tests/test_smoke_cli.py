import json


def test_seed_loads_and_lists_a_leaders_tasks(seeded):
    result = seeded("tasks", "--leader", "陆秋明", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 43
    assert all("陆秋明" in r["leaders"] for r in rows)
