"""SQLModel tables: a year's table (plan) of goals and tasks, the leaders and units linked to
tasks, the append-only history of updates, aliases and what each load repaired."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Key/value facts about the database itself, such as ``schema_version``."""

    key: str = Field(primary_key=True)
    value: str


class Plan(SQLModel, table=True):
    """One year's responsibility table (责任分解表)."""

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True, unique=True)
    title: str | None = None
    input_format: str = ""
    source_name: str = ""
    content_hash: str = ""
    loaded_at: datetime
    loaded_by: str = ""


class Goal(SQLModel, table=True):
    """A numbered goal (目标名称) grouping tasks."""

    __table_args__ = (UniqueConstraint("plan_id", "goal_no"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    goal_no: int
    name: str
    section: str | None = None


class Task(SQLModel, table=True):
    """A task (工作标准) with its code ``<goal_no>.<n>`` and where it came from."""

    __table_args__ = (Index("ix_task_plan_code", "plan_id", "code"),
                      Index("ix_task_plan_goal_seq", "plan_id", "goal_no", "seq"))  # schema 2

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id")
    goal_id: int = Field(foreign_key="goal.id", index=True)
    goal_no: int
    seq: int
    code: str
    standard: str
    deadline: str | None = None
    deadline_date: date | None = None  # the due date: the last milestone's
    deadline_kind: str | None = None  # date | ongoing | cadence | relative (schema 5)
    milestones: str | None = None  # JSON [{"date", "step"}] (schema 5)
    deadline_inferred: bool = False  # read from the task text (schema 5)
    leaders_inherited: bool = False
    units_inherited: bool = False
    source_ref: str = ""
    # No longer filled (an older taskduty's rows hold it): store.match_tasks works it out
    # from the text. No index since schema 9.
    text_key: str = ""
    removed: bool = False
    targets: str | None = None  # JSON: the quantitative targets read from the text (targets.py)


class Leader(SQLModel, table=True):
    """A responsible leader (分管领导), by name with padding removed."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)


class Unit(SQLModel, table=True):
    """A unit (牵头单位 or 配合单位)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)


class TaskLeader(SQLModel, table=True):
    """Link: a task's leaders, in table order."""

    __tablename__ = "task_leader"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    leader_id: int = Field(foreign_key="leader.id", primary_key=True, index=True)
    position: int = 0


class TaskUnit(SQLModel, table=True):
    """Link: a task's lead units (role ``lead``) and cooperating units (role ``co``)."""

    __tablename__ = "task_unit"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True, index=True)
    role: str = Field(default="lead", primary_key=True)
    position: int = 0


class Batch(SQLModel, table=True):
    """One recording call (an ``update`` or a ``collect``): what ``undo`` withdraws."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = "update"
    recorded_by: str = Field(index=True)
    recorded_at: datetime
    source_key: str | None = Field(default=None, index=True)  # a collected form's digest
    withdrawn_at: datetime | None = None


class BatchForm(SQLModel, table=True):
    """A collected form's 填报人, 联系电话 and 单位负责人（审核）, kept with its batch."""

    __tablename__ = "batch_form"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    unit: str
    file: str = ""
    filled_by: str | None = None
    phone: str | None = None
    approved_by: str | None = None


class Update(SQLModel, table=True):
    """One status update (填报). Never changed except to mark it withdrawn."""

    __tablename__ = "task_update"

    __table_args__ = (Index("ix_update_task_date", "task_id", "date"),
                      Index("ix_update_batch_withdrawn", "batch_id", "withdrawn_at"),  # schema 2
                      Index("ix_update_task_by_date", "task_id", "by", "date"))  # schema 8

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    batch_id: int = Field(foreign_key="batch.id", index=True)
    date: date
    status: str
    progress: int | None = None
    note: str | None = None
    by: str = ""
    recorded_by: str = ""
    recorded_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


class TargetActual(SQLModel, table=True):
    """An actual value (实际完成值) recorded for one quantitative target of a task.

    Append-only like :class:`Update`: part of a batch, withdrawn by ``undo``/``withdraw``.
    ``target_no`` is the target's 1-based place among the task's targets.
    """

    __tablename__ = "target_actual"

    __table_args__ = (Index("ix_target_actual_task_date", "task_id", "target_no", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    target_no: int = 1
    batch_id: int = Field(foreign_key="batch.id", index=True)
    date: date
    value: float
    note: str | None = None
    by: str = ""
    recorded_by: str = ""
    recorded_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


class Extension(SQLModel, table=True):
    """An approved new due date (延期) for a task, recorded as a batch (``undo`` takes it
    back). The task's own deadline is kept; the latest extension in force is judged."""

    __tablename__ = "task_extension"  # schema 5

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    batch_id: int = Field(foreign_key="batch.id", index=True)
    due_date: date
    reason: str
    approved_by: str = ""
    recorded_by: str = ""
    recorded_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


class Alias(SQLModel, table=True):
    """Another spelling (别名) of a leader or unit name."""

    __table_args__ = (UniqueConstraint("kind", "alias"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # leader | unit
    alias: str
    name: str


class LoadNote(SQLModel, table=True):
    """What a load inherited, repaired, cleaned or warned about, kept for ``check``."""

    __tablename__ = "load_note"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    kind: str
    ref: str = ""
    code: str | None = None
    message: str


class StoredSetting(SQLModel, table=True):
    """A setting the whole office shares, stored with the data (``taskduty config set
    --shared``): thresholds, the office's name. See :mod:`taskduty.settings`."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str
