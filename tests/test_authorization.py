"""Who may do what, by the unit tree: every endpoint of the application, through HTTP.

The access table has one entry per endpoint (per verb, where one URL takes several): the
request it makes, and a grid of who gets what. A route without an entry fails
`test_every_endpoint_has_an_entry`, naming it. The world, built once for the module, is in
`tests/authorization_world.py`:

    province
    ├── dept                    head_dept (head)
    │   ├── div_a               head_a (head), deputy_a (deputy), staff_a, colleague_a
    │   ├── div_b               staff_b
    │   └── div_personnel       personnel (personnel office serving `dept`)
    └── commune
        └── div_c               staff_c
    admin (administrator, no person)

How to read a grid: a row is the account acting, a column whose object it is (a person's
plan, task, records or evaluation; a unit, or in the plan grids the unit's own plan; an
agency's emulation decision; an import batch, by its author). Pages of one's own, with no
owner, share one table, OWN_TABLE: a row per page, a column per actor. A cell:

    ok   the page (200)               ->   redirected (302); for a POST: done, rows written
    --   refused (403)                ~>   a POST sent back with a message, nothing written
    404  not found (404)              422  the form sent back with its errors

Every cell runs in a savepoint rolled back after it, and a POST's cell is judged by what it
left in the database too: `->` only if it wrote rows (so its form is one that writes), and a
refusal (--, 404, 422) only if every row of every table is as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from criteria.procedure import Step
from evaluation.core.db import db
from tests.api.access import COVERED as API_COVERED  # tokens' grids: tests/api/
from tests.authorization_world import (
    PASSWORD,
    PDF,
    REOPEN_YEAR,
    STEP_YEARS,
    World,
    changed_tables,
    open_world,
    rows_touched,
    sign_in,
    snapshot,
    upload,
)
from tests.conftest import ROOT
from tests.imports.helpers import staff_book, task_book

ACTORS = ("staff_a", "deputy_a", "head_a", "head_dept", "personnel", "admin")


@dataclass(frozen=True)
class Action:
    """One request of the table: method, URL and form (both of the owner `o`), and its grid."""

    method: str
    url: str
    form: Callable[[Any], dict[str, Any]]
    grid: str = ""  # an action on someone's object: who gets what (see the module docstring)
    signs_out: bool = False  # the request ends the actor's session: sign in again after it

    def request(self, o: Any) -> tuple[str, dict[str, Any]]:
        return self.url.format(o=o), self.form(o)


Form = dict[str, Any] | Callable[[Any], dict[str, Any]]


def get(url: str, grid: str = "") -> Action:
    return Action("GET", url, lambda o: {}, grid)


def post(url: str, form: Form, grid: str = "", *, signs_out: bool = False) -> Action:
    """`form` is the fields, or a function of the owner giving them (a fresh file each time)."""
    fields = form if callable(form) else lambda o: dict(form)
    return Action("POST", url, fields, grid, signs_out)


def step(name: str) -> str:
    """An evaluation step, on the year whose evaluation waits for it."""
    year = REOPEN_YEAR if name == "reopen" else STEP_YEARS[Step(name)]
    return f"/evaluations/{year}/people/{{o.id}}/{name}"


# --- the forms the table sends: each one a page would accept from someone allowed -----------

TASK = {"title": "Rà soát hồ sơ", "target_quantity": "2", "unit_of_measure": "hồ sơ",
        "weight": "1", "deadline": "2026-03-13"}  # fmt: skip
RESULT = {"outcome": "done", "achieved_quantity": "1", "completed_on": "2026-03-26"}
# March has week plans but no month plan: the task points are typed, with the reason
SCORES = {f"general_TC{n}": "6" for n in range(1, 6)} | {
    "task_points": "60",
    "adjustment_reason": "Chưa có nhiệm vụ tháng, chấm theo báo cáo.",
}
LEAVE = {"leave-kind": "lawful", "leave-starts_on": "2026-04-01", "leave-ends_on": "2026-04-03"}
DISCIPLINE = {"discipline-violation": "Vi phạm quy chế", "discipline-effective_on": "2026-05-04",
              "discipline-form": "khien_trach"}  # fmt: skip
ACHIEVEMENT = {"achievement-year": "2026", "achievement-kind": "initiative",
               "achievement-title": "Số hoá hồ sơ"}  # fmt: skip
NEW_PASSWORD = {"current_password": PASSWORD, "new_password": "Moi@Matkhau2026x",
                "confirm": "Moi@Matkhau2026x"}  # fmt: skip
NEW_ADMIN = {"username": "quantri.moi", "role": "admin", "reason": "Quyết định 3/QĐ"}


def leadership(o: Any) -> dict[str, Any]:
    """A staff member made deputy, a leader made staff: a change either way."""
    return {"lead-leadership": "deputy" if o.role == "none" else "none",
            "lead-reason": "Quyết định số 5/QĐ"}  # fmt: skip


def account_role(o: Any) -> dict[str, Any]:
    """The personnel office of the owner's own unit: within any office's reach that has it."""
    return {"role-role": "personnel", "role-served_unit_id": o.unit,
            "role-reason": "Quyết định số 6/QĐ"}  # fmt: skip


def acting_head(o: Any) -> dict[str, Any]:
    """Someone of the unit made its acting head for March."""
    return {"kind": "acting_head", "unit_id": o.id, "to_code": "CB-SB", "starts_on": "2026-03-01",
            "ends_on": "2026-03-31", "reason": "Quyết định 4/QĐ"}  # fmt: skip


def criteria_set_file(o: Any) -> dict[str, Any]:
    """A set another province sent (the built-in one for civil servants, renamed)."""
    data = json.loads((ROOT / "criteria/sets/nd90-cong-chuc@1.json").read_text(encoding="utf-8"))
    content = json.dumps({**data, "name": "tinh-ban"}).encode()
    return {"file": upload("bo-tieu-chi.json", content)}


POLICY = {"nd90_quota_pct": "15", "quota_rounding": "down", "quota_base": "final",
          "chien_si_cap_pct": "15", "s3_own": "50", "s3_unit": "30",
          "s3_organising": "20"}  # fmt: skip
PUBLISH = {"effective_from": "2030-01-01", "confirm": "y"}
SET_DATA = {
    **json.loads((ROOT / "criteria/sets/nd90-cong-chuc@1.json").read_text(encoding="utf-8")),
    "title": "Bộ tiêu chí đã sửa",
}


def assignment(o: Any) -> dict[str, Any]:
    return TASK | {"person_id": o.id, "kind": "week", "day": "2026-03-10"}


def placement(o: Any) -> dict[str, Any]:
    """The same unit and role, a new job position: a change any placement may make."""
    return {"unit_id": o.unit, "role": o.role, "job_position": "Chuyên viên chính",
            "starts_on": "2026-03-10", "reason": "Quyết định số 12/QĐ"}  # fmt: skip


def council_decision(o: Any) -> dict[str, Any]:
    prefix = f"a{o.id}-"  # the emulation page has one form per agency
    return {f"{prefix}number": "QĐ-MOI", f"{prefix}decided_on": "2026-12-20",
            f"{prefix}title": "tap_the_lao_dong_tien_tien", f"{prefix}units": o.id}  # fmt: skip


def evidence_pdf(o: Any) -> dict[str, Any]:
    return {"file": upload("bien-ban.pdf", PDF)}


def staff_file(o: Any) -> dict[str, Any]:
    rows = [["CB-MOI2", "Đinh Văn Tệp", "01/02/1991", "Công chức", "Chuyên viên", "SO-B", "", ""]]
    return {"file": upload("nhan-su.xlsx", staff_book([], rows))}


def task_file(o: Any) -> dict[str, Any]:
    rows = [[None, "Việc chung của đơn vị", 1, "báo cáo", 1, date(2026, 11, 20), None]]
    return {"file": upload("nhiem-vu.xlsx", task_book(rows)), "unit_id": o.id,
            "kind": "month", "day": "2026-11-10"}  # fmt: skip


# --- pages of one's own: the actor's role decides, there is no owner ------------------------

OWN = {
    "home.todo": get("/"),
    "plans.home": get("/start"),
    "plans.my_plans": get("/plans"),
    "plans.new_plan": post("/plans/new", {"kind": "week", "day": "2026-04-07"}),
    "plans.my_unit": get("/unit"),
    "plans.overdue_report": get("/unit/overdue?q=nguyen&kind=week&min_days=7"),
    "reports.overdue_report": get("/reports/overdue.xlsx?q=nguyen&kind=week"),
    "plans.assign_task": get("/unit/assign"),
    "accounts.change_password": get("/account/password"),
    "accounts.change_password post": post("/account/password", NEW_PASSWORD, signs_out=True),
    "accounts.logout": post("/logout", {}, signs_out=True),
    # turning sign-on off while it is off: said on the page, nothing written
    "sso.policy": get("/admin/sign-on"),
    "sso.policy post": post("/admin/sign-on", {}),
    "organisation.tree": get("/organisation/"),
    "scoring.scoring_home": get("/scoring"),
    "scoring.scoring_period": get("/scoring/2026-03"),
    "scoring.evaluations_home": get("/evaluations"),
    "scoring.evaluations_year": get("/evaluations/2026"),
    "rankings.rankings_home": get("/rankings"),
    "rankings.ranking": get("/rankings/2026-03"),
    "rankings.emulation_page": get("/emulation/2026"),
    "rankings.dashboard": get("/dashboard"),
    "yearend.close_home": get("/year-end/2026"),
    "home.administration": get("/admin"),
    "audit.trail": get("/audit"),
    "audit.trail_export": get("/audit.xlsx"),
    "imports.staff_upload": get("/imports/staff"),
    "imports.staff_upload post": post("/imports/staff", staff_file),
    "imports.staff_template": get("/imports/staff/template.xlsx"),
    "imports.tasks_upload": get("/imports/tasks"),
    "imports.tasks_template": get("/imports/tasks/template.xlsx"),
    "reports.unit_ranking": get("/reports/rankings/2026-03.xlsx"),
    "reports.emulation_list": get("/reports/emulation/2026.xlsx"),
    "reports.emulation_form": get("/reports/forms/emulation/2026/print"),
    "reports.form_stylesheet": get("/reports/forms/form.css"),
    "notifications.inbox": get("/notifications"),
    "notifications.read_all": post("/notifications/read-all", {}),
    "notifications.settings": get("/notifications/settings"),
    "notifications.settings post": post("/notifications/settings", {}),
    # account administration: an administrator's own login has no person; an office needs one
    "account_admin.account_list": get("/admin/accounts?q=tran"),
    "account_admin.new_account": get("/admin/accounts/new"),
    "account_admin.delegation_list": get("/admin/delegations"),
    "account_admin.new_delegation": get("/admin/delegations/new"),
    # criteria sets and policy: an office drafts sets, an administrator the policy too
    "rulesets.index": get("/rulesets"),
    "rulesets.new_set": post("/rulesets/sets/new", criteria_set_file),
    "rulesets.new_policy": post("/rulesets/policy/new", POLICY),
}

# fmt: off
OWN_TABLE = """
                               staff_a deputy_a head_a head_dept personnel admin
home.todo                        ok       ok      ok      ok        ok      ok
plans.home                       ->       ->      ->      ->        ->      ->
plans.my_plans                   ok       ok      ok      ok        ok      ->
plans.new_plan                   ->       ->      ->      ->        ->      --
plans.my_unit                    --       ok      ok      ok        ok      ok
plans.overdue_report             --       ok      ok      ok        ok      ok
reports.overdue_report           --       ok      ok      ok        ok      ok
plans.assign_task                --       ok      ok      ok        --      --
accounts.change_password         ok       ok      ok      ok        ok      ok
accounts.change_password post    ->       ->      ->      ->        ->      ->
accounts.logout                  ->       ->      ->      ->        ->      ->
sso.policy                       --       --      --      --        --      ok
sso.policy post                  --       --      --      --        --      ~>
organisation.tree                --       --      --      --        ok      ok
scoring.scoring_home             --       ->      ->      ->        --      --
scoring.scoring_period           --       ok      ok      ok        --      --
scoring.evaluations_home         ->       ->      ->      ->        ->      ->
scoring.evaluations_year         ok       ok      ok      ok        ok      ok
rankings.rankings_home           ->       ->      ->      ->        ->      ->
rankings.ranking                 --       ok      ok      ok        ok      ok
rankings.emulation_page          --       ok      ok      ok        ok      ok
rankings.dashboard               --       ok      ok      ok        ok      ok
yearend.close_home               --       --      --      --        ok      ok
home.administration              --       --      --      --        ok      ok
audit.trail                      --       --      --      --        ok      ok
audit.trail_export               --       --      --      --        ok      ok
imports.staff_upload             --       --      --      --        ok      --
imports.staff_upload post        --       --      --      --        ->      --
imports.staff_template           --       --      --      --        ok      --
imports.tasks_upload             --       ok      ok      ok        ok      --
imports.tasks_template           --       ok      ok      ok        ok      --
reports.unit_ranking             --       ok      ok      ok        ok      ok
reports.emulation_list           --       ok      ok      ok        ok      ok
reports.emulation_form           --       ok      ok      ok        ok      ok
reports.form_stylesheet          ok       ok      ok      ok        ok      ok
notifications.inbox              ok       ok      ok      ok        ok      ok
notifications.read_all           ->       ->      ->      ->        ->      ~>
notifications.settings           ok       ok      ok      ok        ok      ok
notifications.settings post      ->       ->      ->      ->        ->      ->
account_admin.account_list       --       --      --      --        ok      ok
account_admin.new_account        --       --      --      --        ok      ok
account_admin.delegation_list    --       --      --      --        ok      ok
account_admin.new_delegation     --       --      --      --        ok      ok
rulesets.index                   --       --      --      --        ok      ok
rulesets.new_set                 --       --      --      --        ->      ->
rulesets.new_policy              --       --      --      --        --      ->
"""
# fmt: on

# --- actions on someone's object ---------------------------------------------------------
# A form page and its POST pass the same check at the top of the view: the POST's grid, which
# also proves that a refusal writes nothing, stands for both.

# fmt: off
ON = {
    # plans and tasks, each in the state the action needs
    "plans.plan_detail": get("/plans/{o.plan[draft]}", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ok        --         --      --      --       --       --       --     --
deputy_a    ok        ok         ok      ok      --       --       --       --     ok
head_a      ok        ok         ok      ok      --       --       --       --     ok
head_dept   ok        ok         ok      ok      ok       ok       ok       --     ok
personnel   ok        ok         ok      ok      ok       ok       ok       --     ok
admin       ok        ok         ok      ok      ok       ok       ok       ok     ok
"""),
    "plans.plan_transition submit": post("/plans/{o.plan[draft]}/submit", {}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.plan_transition approve": post("/plans/{o.plan[submitted]}/approve", {}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     --        --         --      --      --       --       --       --     --
deputy_a    ->        ->         --      --      --       --       --       --     --
head_a      ->        ->         ->      --      --       --       --       --     --
head_dept   ->        ->         ->      ->      --       ->       ->       --     ->
personnel   --        --         --      --      --       --       --       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.plan_transition return": post(
        "/plans/{o.plan[submitted]}/return", {"comment": "Cần bổ sung"}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     --        --         --      --      --       --       --       --     --
deputy_a    ->        ->         --      --      --       --       --       --     --
head_a      ->        ->         ->      --      --       --       --       --     --
head_dept   ->        ->         ->      ->      --       ->       ->       --     ->
personnel   --        --         --      --      --       --       --       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.plan_transition report": post("/plans/{o.plan[approved]}/report", {}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.plan_transition close": post("/plans/{o.plan[reported]}/close", {}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     --        --         --      --      --       --       --       --     --
deputy_a    ->        ->         --      --      --       --       --       --     --
head_a      ->        ->         ->      --      --       --       --       --     --
head_dept   ->        ->         ->      ->      --       ->       ->       --     ->
personnel   --        --         --      --      --       --       --       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.plan_reopen": post(
        "/plans/{o.plan[closed]}/reopen", {"reason": "Mở lại để sửa số liệu"}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     --        --         --      --      --       --       --       --     --
deputy_a    --        --         --      --      --       --       --       --     --
head_a      --        --         --      --      --       --       --       --     --
head_dept   --        --         --      --      --       --       --       --     --
personnel   ->        ->         ->      ->      ->       ->       --       --     ->
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.new_task post": post("/plans/{o.plan[draft]}/tasks/new", TASK, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.edit_task post": post("/tasks/{o.task[draft]}/edit", TASK, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.delete_task": post("/tasks/{o.task[draft]}/delete", {}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.report_result post": post("/tasks/{o.task[approved]}/result", RESULT, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.add_evidence_file": post("/tasks/{o.task[approved]}/evidence", evidence_pdf, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    "plans.delete_evidence_file": post("/evidence/{o.evidence[approved]}/delete", {}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ->        --         --      --      --       --       --       --     --
deputy_a    --        --         ->      --      --       --       --       --     --
head_a      --        --         --      ->      --       --       --       --     ->
head_dept   --        --         --      --      ->       --       --       --     --
personnel   --        --         --      --      --       --       ->       --     --
admin       --        --         --      --      --       --       --       --     --
"""),
    # the download follows the plan's page: whoever may see the task
    "plans.evidence_file": get("/evidence/{o.evidence[draft]}", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ok        --         --      --      --       --       --       --     --
deputy_a    ok        ok         ok      ok      --       --       --       --     ok
head_a      ok        ok         ok      ok      --       --       --       --     ok
head_dept   ok        ok         ok      ok      ok       ok       ok       --     ok
personnel   ok        ok         ok      ok      ok       ok       ok       --     ok
admin       ok        ok         ok      ok      ok       ok       ok       ok     ok
"""),
    "plans.assign_task post": post("/unit/assign", assignment, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    ->        ->        422     422      422      422      422      422
head_a      ->        ->         ->     422      422      422      422      422
head_dept   ->        ->         ->      ->      422      ->       ->       422
personnel   --        --         --      --      --       --       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "reports.plan_report": get("/reports/plans/{o.plan[draft]}.xlsx", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c div_a
staff_a     ok        --         --      --      --       --       --       --     --
deputy_a    ok        ok         ok      ok      --       --       --       --     ok
head_a      ok        ok         ok      ok      --       --       --       --     ok
head_dept   ok        ok         ok      ok      ok       ok       ok       --     ok
personnel   ok        ok         ok      ok      ok       ok       ok       --     ok
admin       ok        ok         ok      ok      ok       ok       ok       ok     ok
"""),
    # a person: their page, placement, scores, records, annual evaluation
    "organisation.person_detail": get("/organisation/people/{o.id}", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     ok        --         --      --      --       --       --       --
deputy_a    ok        ok         ok      ok      --       --       --       --
head_a      ok        ok         ok      ok      --       --       --       --
head_dept   ok        ok         ok      ok      ok       ok       ok       --
personnel   ok        ok         ok      ok      ok       ok       ok       --
admin       ok        ok         ok      ok      ok       ok       ok       ok
"""),
    "organisation.person_placement post": post(
        "/organisation/people/{o.id}/placement", placement, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   --        --         --      --      --       --       --       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       ->        ->         ->      ->      ->       ->       ->       ->
"""),
    "scoring.score_person post": post("/scoring/2026-03/people/{o.id}", SCORES, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    ->        ->         --      --      --       --       --       --
head_a      ->        ->         ->      --      --       --       --       --
head_dept   ->        ->         ->      ->      --       ->       ->       --
personnel   --        --         --      --      --       --       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "records.person_records": get("/people/{o.id}/records", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   --        --         --      --      --       --       --       --
personnel   ok        ok         ok      ok      ok       ok       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "records.add_leave post": post("/people/{o.id}/records/leave", LEAVE, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   --        --         --      --      --       --       --       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "records.add_discipline post": post("/people/{o.id}/records/discipline", DISCIPLINE, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   --        --         --      --      --       --       --       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "rankings.add_achievement": post("/people/{o.id}/achievements", ACHIEVEMENT, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   --        --         --      --      --       --       --       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_page": get("/evaluations/2026/people/{o.id}", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     ok        --         --      --      --       --       --       --
deputy_a    ok        ok         ok      ok      --       --       --       --
head_a      ok        ok         ok      ok      --       --       --       --
head_dept   ok        ok         ok      ok      ok       ok       ok       --
personnel   ok        ok         ok      ok      ok       ok       ok       --
admin       ok        ok         ok      ok      ok       ok       ok       ok
"""),
    # each step on the year whose evaluation waits for it (authorization_world.STEP_YEARS)
    "scoring.evaluation_step self_assessment": post(
        step("self_assessment"), {"report": "Hoàn thành.", "level": "tot"}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     ->        --         --      --      --       --       --       --
deputy_a    --        --         ->      --      --       --       --       --
head_a      --        --         --      ->      --       --       --       --
head_dept   --        --         --      --      ->       --       --       --
personnel   --        --         --      --      --       --       ->       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step collective_comments": post(
        step("collective_comments"), {"minutes": "Thống nhất.", "general": "good"}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    ->        ->         --      --      --       --       --       --
head_a      ->        ->         ->      --      --       --       --       --
head_dept   ->        ->         ->      ->      --       ->       ->       --
personnel   --        --         --      --      --       --       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step party_committee_comments": post(
        step("party_committee_comments"), {"comment": "Đồng ý."}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    ->        ->         --      --      --       --       --       --
head_a      ->        ->         ->      --      --       --       --       --
head_dept   ->        ->         ->      ->      --       ->       ->       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step personnel_proposal": post(
        step("personnel_proposal"), {"level": "tot", "comment": "Đề xuất."}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   --        --         --      --      --       --       --       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step decision": post(
        step("decision"), {"level": "tot", "reason": "Theo đề xuất."}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   ->        ->         ->      ->      --       ->       ->       --
personnel   --        --         --      --      --       --       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step notification": post(step("notification"), {}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   ->        ->         ->      ->      --       ->       ->       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step petition": post(step("petition"), {"text": "Đề nghị xem lại."}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     ->        --         --      --      --       --       --       --
deputy_a    --        --         ->      --      --       --       --       --
head_a      --        --         --      ->      --       --       --       --
head_dept   --        --         --      --      ->       --       --       --
personnel   --        --         --      --      --       --       ->       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step petition_resolved": post(
        step("petition_resolved"), {"resolution": "Giữ nguyên.", "level": ""}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   ->        ->         ->      ->      --       ->       ->       --
personnel   --        --         --      --      --       --       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "scoring.evaluation_step reopen": post(step("reopen"), {"reason": "Sửa số liệu nhập sai."}, """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     --        --         --      --      --       --       --       --
deputy_a    --        --         --      --      --       --       --       --
head_a      --        --         --      --      --       --       --       --
head_dept   --        --         --      --      --       --       --       --
personnel   ->        ->         ->      ->      ->       ->       --       --
admin       --        --         --      --      --       --       --       --
"""),
    "reports.evaluation_sheet": get("/reports/evaluations/2026/people/{o.id}.xlsx", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     ok        --         --      --      --       --       --       --
deputy_a    ok        ok         ok      ok      --       --       --       --
head_a      ok        ok         ok      ok      --       --       --       --
head_dept   ok        ok         ok      ok      ok       ok       ok       --
personnel   ok        ok         ok      ok      ok       ok       ok       --
admin       ok        ok         ok      ok      ok       ok       ok       ok
"""),
    "reports.evaluation_form": get("/reports/forms/evaluations/2026/people/{o.id}/print", """
          staff_a colleague_a deputy_a head_a head_dept staff_b personnel staff_c
staff_a     ok        --         --      --      --       --       --       --
deputy_a    ok        ok         ok      ok      --       --       --       --
head_a      ok        ok         ok      ok      --       --       --       --
head_dept   ok        ok         ok      ok      ok       ok       ok       --
personnel   ok        ok         ok      ok      ok       ok       ok       --
admin       ok        ok         ok      ok      ok       ok       ok       ok
"""),
    # a unit
    "organisation.unit_detail": get("/organisation/units/{o.id}", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   ok    --    --     --      --
head_a     ok    --    --     --      --
head_dept  ok    ok    ok     --      --
personnel  ok    ok    ok     --      --
admin      ok    ok    ok     ok      ok
"""),
    # the year close of a subtree: its personnel office, or an administrator
    "yearend.close_page": get("/year-end/2026/units/{o.id}", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   --    --    --     --      --
head_a     --    --    --     --      --
head_dept  --    --    --     --      --
personnel  ok    ok    ok     --      --
admin      ok    ok    ok     ok      ok
"""),
    "yearend.close_year": post("/year-end/2026/units/{o.id}/close", {"confirm": "y"}, """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   --    --    --     --      --
head_a     --    --    --     --      --
head_dept  --    --    --     --      --
personnel  ->    ->    ->     --      --
admin      ->    ->    ->     ->      ->
"""),
    "yearend.job_status": get("/jobs/{o.job}", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   --    --    --     --      --
head_a     --    --    --     --      --
head_dept  --    --    --     --      --
personnel  ok    ok    ok     --      --
admin      ok    ok    ok     ok      ok
"""),
    # a large export built by a job: its requester (head_dept, while reaching the unit) or an
    # administrator; a failed job's download leads back to its page
    "reports.export_page": get("/reports/exports/{o.export}", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   --    --    --     --      --
head_a     --    --    --     --      --
head_dept  ok    ok    ok     --      --
personnel  --    --    --     --      --
admin      ok    ok    ok     ok      ok
"""),
    "reports.export_download": get("/reports/exports/{o.export}.xlsx", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   --    --    --     --      --
head_a     --    --    --     --      --
head_dept  ->    ->    ->     --      --
personnel  --    --    --     --      --
admin      ->    ->    ->     ->      ->
"""),
    "rankings.unit_drilldown": get("/rankings/2026-03/units/{o.id}", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   ok    --    --     --      --
head_a     ok    --    --     --      --
head_dept  ok    ok    ok     --      --
personnel  ok    ok    ok     --      --
admin      ok    ok    ok     ok      ok
"""),
    "reports.classification_summary": get("/reports/evaluations/2026/units/{o.id}.xlsx", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   ok    --    --     --      --
head_a     ok    --    --     --      --
head_dept  ok    ok    ok     --      --
personnel  ok    ok    ok     --      --
admin      ok    ok    ok     ok      ok
"""),
    # a summary too large to build at once: asked for (a job), by whoever may download it
    "reports.classification_summary post": post(
        "/reports/evaluations/2026/units/{o.id}.xlsx", {}, """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   ->    --    --     --      --
head_a     ->    --    --     --      --
head_dept  ->    ->    ->     --      --
personnel  ->    ->    ->     --      --
admin      ->    ->    ->     ->      ->
"""),
    "reports.meeting_minutes": get(
        "/reports/forms/evaluations/2026/units/{o.id}/minutes/print", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   ok    --    --     --      --
head_a     ok    --    --     --      --
head_dept  ok    ok    ok     --      --
personnel  ok    ok    ok     --      --
admin      ok    ok    ok     ok      ok
"""),
    "reports.unit_report": get("/reports/forms/evaluations/2026/units/{o.id}/report/print", """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   ok    --    --     --      --
head_a     ok    --    --     --      --
head_dept  ok    ok    ok     --      --
personnel  ok    ok    ok     --      --
admin      ok    ok    ok     ok      ok
"""),
    # the file holds a unit's own task: its head and those above keep it, not a deputy (422)
    "imports.tasks_upload post": post("/imports/tasks", task_file, """
          div_a div_b dept province commune
staff_a    --    --    --     --      --
deputy_a   422   422  422    422      422
head_a     ->    422  422    422      422
head_dept  ->    ->    ->    422      422
personnel  ->    ->    ->    422      422
admin      --    --    --     --      --
"""),
    # one level of the ranking, one agency's proposals: chosen in the query, within reach
    "rankings.ranking under": get("/rankings/2026-03?under={o.id}", """
          div_a dept province commune
staff_a    --    --     --      --
deputy_a   404   404    404     404
head_a     404   404    404     404
head_dept  404   ok     404     404
personnel  404   ok     404     404
admin      404   ok     404     404
"""),
    "rankings.emulation_page agency": get("/emulation/2026?agency={o.id}", """
          dept commune province div_a
staff_a    --    --       --     --
deputy_a   404   404      404    404
head_a     404   404      404    404
head_dept  ok    404      404    404
personnel  ok    404      404    404
admin      ok    ok       ok     404
"""),
    # an agency's emulation decisions (a division is no agency: it decides no titles)
    "rankings.record_decision": post(
        "/emulation/2026/agencies/{o.id}/decisions", council_decision, """
          dept commune province div_a
staff_a    --    --       --     404
deputy_a   --    --       --     404
head_a     --    --       --     404
head_dept  --    --       --     404
personnel  ->    --       --     404
admin      --    --       --     404
"""),
    "rankings.revoke": post(
        "/emulation/decisions/{o.decision}/revoke", {"reason": "Sai đối tượng"}, """
          dept commune
staff_a    --    --
deputy_a   --    --
head_a     --    --
head_dept  --    --
personnel  ->    --
admin      --    --
"""),
    # an import batch, by its author, waiting for confirmation
    "imports.batch_preview": get("/imports/batches/{o.id}", """
          personnel:staff personnel:tasks head_a:tasks
staff_a         404             404           404
deputy_a        404             404           404
head_a          404             404            ok
head_dept       404             404           404
personnel       ok              ok            404
admin           404             404           404
"""),
    "imports.batch_confirm": post("/imports/batches/{o.id}/confirm", {}, """
          personnel:staff personnel:tasks head_a:tasks
staff_a         404             404           404
deputy_a        404             404           404
head_a          404             404            ->
head_dept       404             404           404
personnel       ->              ->            404
admin           404             404           404
"""),
    # a notification, by its person: only its own reader marks it read
    "notifications.mark_read": post("/notifications/{o.notification}/read", {}, """
          staff_a deputy_a head_a head_dept personnel staff_c
staff_a     ->       --      --      --        --       --
deputy_a    --       ->      --      --        --       --
head_a      --       --      ->      --        --       --
head_dept   --       --      --      ->        --       --
personnel   --       --      --      --        ->       --
admin       --       --      --      --        --       --
"""),
    # criteria sets: a built-in one (the province's), one kept by dept's office, one by the
    # administrator; pins on div_a (in the office's reach) and div_c (not); the policy's draft
    "rulesets.set_detail": get("/rulesets/sets/{o.id}", """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       ok          ok        ok
admin           ok          ok        ok
"""),
    "rulesets.edit_set": post(
        "/rulesets/sets/{o.id}/edit", lambda o: {"content": json.dumps(SET_DATA)}, """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       --          ->        --
admin          404          ->        ->
"""),
    "rulesets.publish_set": post("/rulesets/sets/{o.id}/publish", PUBLISH, """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       --          ->        --
admin          422          ->        ->
"""),
    "rulesets.delete_set": post("/rulesets/sets/{o.id}/delete", {}, """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       --          ->        --
admin           ~>          ->        ->
"""),
    "rulesets.next_version": post("/rulesets/sets/{o.id}/next", {}, """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       --          ~>        --
admin           ->          ~>        ~>
"""),
    "rulesets.export_json": get("/rulesets/sets/{o.id}/export.json", """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       ok          ok        ok
admin           ok          ok        ok
"""),
    "rulesets.export_xlsx": get("/rulesets/sets/{o.id}/export.xlsx", """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       ok          ok        ok
admin           ok          ok        ok
"""),
    "rulesets.preview_set": get("/rulesets/sets/{o.id}/preview", """
          set:built_in set:dept set:admin
staff_a         --          --        --
deputy_a        --          --        --
head_a          --          --        --
head_dept       --          --        --
personnel       ok          ok        ok
admin           ok          ok        ok
"""),
    "rulesets.unit_pins": post(
        "/rulesets/units/{o.id}/pins", {"set_name": "nd90-cong-chuc"}, """
          div_a dept div_c province
staff_a     --     --    --       --
deputy_a    --     --    --       --
head_a      --     --    --       --
head_dept   --     --    --       --
personnel   ->     ->    --       --
admin       ->     ->    ->       ->
"""),
    "rulesets.unit_rulebook": post(
        "/rulesets/units/{o.id}/rulebook", {"rulebook_pin": "nd90"}, """
          div_a dept div_c province
staff_a     --   --    --     --
deputy_a    --   --    --     --
head_a      --   --    --     --
head_dept   --   --    --     --
personnel   ->   ->    --     --
admin       ->   ->    ->     ->
"""),
    "rulesets.unpin": post("/rulesets/pins/{o.id}/delete", {}, """
          pin:div_a pin:div_c
staff_a       --         --
deputy_a      --         --
head_a        --         --
head_dept     --         --
personnel     ->         --
admin         ->         ->
"""),
    "rulesets.policy_detail": get("/rulesets/policy/{o.id}", """
          policy:draft
staff_a         --
deputy_a        --
head_a          --
head_dept       --
personnel       ok
admin           ok
"""),
    "rulesets.publish_policy": post("/rulesets/policy/{o.id}/publish", PUBLISH, """
          policy:draft
staff_a         --
deputy_a        --
head_a          --
head_dept       --
personnel       --
admin           ->
"""),
    "rulesets.preview_policy": get("/rulesets/policy/{o.id}/preview", """
          policy:draft
staff_a         --
deputy_a        --
head_a          --
head_dept       --
personnel       ok
admin           ok
"""),
}
# fmt: on


# Issuing a one-time password answers with the page that shows it, once (200 with the writes).
ISSUED = "ok!wrote:user_account,audit_record"
ON.update({
    # a login without a person is an administrator's, made by an administrator only (the
    # column: the administrator, whose account the new one is like)
    "account_admin.new_account post": post("/admin/accounts/new", NEW_ADMIN, f"""
          admin
staff_a    --
deputy_a   --
head_a     --
head_dept  --
personnel  422
admin    {ISSUED}
"""),
    # a login, by its person (the administrator's own: "admin"); nobody acts on their own
    "account_admin.account_detail": get("/admin/accounts/{o.account}", """
          staff_a head_a personnel staff_c admin
staff_a     --      --      --        --     --
deputy_a    --      --      --        --     --
head_a      --      --      --        --     --
head_dept   --      --      --        --     --
personnel   ok      ok      ok        --     --
admin       ok      ok      ok        ok     ok
"""),
    "account_admin.deactivate": post("/admin/accounts/{o.account}/deactivate", {}, """
          staff_a head_a personnel staff_c admin
staff_a     --      --      --        --     --
deputy_a    --      --      --        --     --
head_a      --      --      --        --     --
head_dept   --      --      --        --     --
personnel   ->      ->      --        --     --
admin       ->      ->      ->        ->     --
"""),
    # every account is active: reactivating changes nothing, and says so
    "account_admin.reactivate": post("/admin/accounts/{o.account}/reactivate", {}, """
          staff_a head_a personnel staff_c admin
staff_a     --      --      --        --     --
deputy_a    --      --      --        --     --
head_a      --      --      --        --     --
head_dept   --      --      --        --     --
personnel   ~>      ~>      --        --     --
admin       ~>      ~>      ~>        ~>     --
"""),
    "account_admin.unlock": post("/admin/accounts/{o.account}/unlock", {}, """
          staff_a head_a personnel staff_c admin
staff_a     --      --      --        --     --
deputy_a    --      --      --        --     --
head_a      --      --      --        --     --
head_dept   --      --      --        --     --
personnel   ->      ->      --        --     --
admin       ->      ->      ->        ->     --
"""),
    "account_admin.reset_password": post("/admin/accounts/{o.account}/password", {}, f"""
          staff_a head_a personnel staff_c admin
staff_a     --      --      --        --     --
deputy_a    --      --      --        --     --
head_a      --      --      --        --     --
head_dept   --      --      --        --     --
personnel {ISSUED} {ISSUED} --        --     --
admin     {ISSUED} {ISSUED} {ISSUED} {ISSUED} --
"""),
    "account_admin.change_role": post("/admin/accounts/{o.account}/role", account_role, """
          staff_a head_a personnel staff_c admin
staff_a     --      --      --        --     --
deputy_a    --      --      --        --     --
head_a      --      --      --        --     --
head_dept   --      --      --        --     --
personnel   ->      ->      --        --     --
admin       ->      ->      ->        ->     --
"""),
    # leaders are appointed from above: the office of `dept` names those of its divisions
    "account_admin.change_leadership": post(
        "/admin/accounts/{o.account}/leadership", leadership, """
          staff_a head_a personnel staff_c admin
staff_a     --      --      --        --     --
deputy_a    --      --      --        --     --
head_a      --      --      --        --     --
head_dept   --      --      --        --     --
personnel   ->      ->      --        --     --
admin       ->      ->      ->        ->     --
"""),
    # a unit's acting head for March, given from above (div_c is beyond the office's choices)
    "account_admin.new_delegation post": post("/admin/delegations/new", acting_head, """
          div_b div_c
staff_a    --    --
deputy_a   --    --
head_a     --    --
head_dept  --    --
personnel  ->    422
admin      ->    ->
"""),
    # a unit's acting head, not yet begun: ended by an administrator or the office above it
    "account_admin.end_delegation": post(
        "/admin/delegations/{o.delegation}/end", {"reason": "Thôi giao quyền"}, """
          div_b div_c
staff_a    --    --
deputy_a   --    --
head_a     --    --
head_dept  --    --
personnel  ->    --
admin      ->    ->
"""),
})  # fmt: skip


PUBLIC = {
    "accounts.login": "the sign-in page itself",
    "accounts.set_language": "the sign-in page is offered in both languages",
    "sso.start": "single sign-on starts before there is a session (404 until configured)",
    "sso.callback": "the provider sends the browser back here to sign in",
    "health.healthz": "the load balancer asks it, without a session",
    "api-docs.openapi_json": "the API's contract, public as its copy docs/openapi.json is",
}


def parse(grid: str) -> dict[str, dict[str, str]]:
    """A grid's rows: the first line names the columns, each other line starts with its row."""
    lines = [line.split() for line in grid.strip().splitlines()]
    if not lines:
        return {}
    header, *rows = lines
    width = len(header)
    return {" ".join(row[:-width]): dict(zip(header, row[-width:], strict=True)) for row in rows}


OWN_ROWS = parse(OWN_TABLE)
CELLS = {key: parse(action.grid) for key, action in ON.items()}


# --- the world, once per module; each test in savepoints of it ------------------------------


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[World]:
    yield from open_world(app)


@pytest.fixture(autouse=True)
def _requests_see_the_world(app: Flask, world: World) -> None:
    """Every request of this module's tests runs on the world's connection."""
    db.bind_to(app, world.connection)


@pytest.fixture
def session(app: Flask, world: World) -> Iterator[Session]:
    """This module's `session` (and so `client`): the world, in a savepoint rolled back after;
    conftest's would bind requests to a connection of its own, away from the world."""
    savepoint = world.connection.begin_nested()
    test_session = db.new_session(app)
    yield test_session
    test_session.close()
    savepoint.rollback()


SYMBOLS = {200: "ok", 403: "--", 404: "404", 422: "422"}


def answer(world: World, actor: str, action: Action, owner: str | None) -> str:
    """The cell's symbol for what the actor got, in a savepoint rolled back after.

    A POST is also judged by what it left in the database: `->` only if it wrote something,
    and any other answer gets `!wrote:<tables>` if it did."""
    url, form = action.request(world.owners[owner] if owner else None)
    writes = action.method == "POST"
    savepoint = world.connection.begin_nested()
    touched = rows_touched(world.connection) if writes else 0
    try:
        response = world.clients[actor].open(url, method=action.method, data=form)
        written = changed_tables(world, touched) if writes else []
    finally:
        savepoint.rollback()
    if action.signs_out:
        sign_in(world, actor)  # signing in writes to the account: that is the new baseline
        world.baseline = snapshot(world.connection)
    if response.status_code == 302:
        return "->" if written or action.method == "GET" else "~>"
    symbol = SYMBOLS.get(response.status_code, str(response.status_code))
    return f"{symbol}!wrote:{','.join(written)}" if written else symbol


def example(key: str) -> str | None:
    """The owner an entry is tried on outside its grid: its first column."""
    return next(iter(CELLS[key][ACTORS[0]])) if key in CELLS else None


def differences(expected: dict[str, str], got: dict[str, str]) -> dict[str, str]:
    """Only the cells that differ, each with what it should be and what it is."""
    wrong = [name for name in expected if got[name] != expected[name]]
    return {name: f"{expected[name]} expected, got {got[name]}" for name in wrong}


# --- the tests ------------------------------------------------------------------------------


def test_every_endpoint_has_an_entry(app: Flask, world: World) -> None:
    """A route added later fails here, by name, until the table says who may reach it.

    Each entry's URL is matched against the application's routes, so an entry covers the
    endpoint it really requests, not the one its name claims."""
    adapter = app.url_map.bind("localhost")
    requested = {}
    for key, action in [*OWN.items(), *ON.items()]:
        owner = example(key)
        url, _ = action.request(world.owners[owner] if owner else None)
        requested[key] = adapter.match(url.partition("?")[0], method=action.method)[0]
    misnamed = {key: endpoint for key, endpoint in requested.items() if key.split()[0] != endpoint}
    assert not misnamed, f"entries named after another endpoint than they request: {misnamed}"
    routed = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = routed - set(requested.values()) - PUBLIC.keys() - API_COVERED
    assert not missing, f"endpoints without an entry in the access table: {sorted(missing)}"
    assert PUBLIC.keys() <= routed and not PUBLIC.keys() & set(requested.values())
    assert list(OWN) == list(OWN_ROWS), "OWN_TABLE has a row for each page of one's own"
    incomplete = [
        key for key, rows in [*CELLS.items(), *OWN_ROWS.items()] if list(rows) != list(ACTORS)
    ]
    assert not incomplete, f"grids without a row, or a column, for every actor: {incomplete}"


@pytest.mark.parametrize("key", OWN)
def test_own_pages(world: World, key: str) -> None:
    """One row of OWN_TABLE: each actor on their own page."""
    expected = OWN_ROWS[key]
    got = {actor: answer(world, actor, OWN[key], None) for actor in expected}
    assert not differences(expected, got), f"{key}: {differences(expected, got)}"


@pytest.mark.parametrize(("key", "actor"), [(key, actor) for key in ON for actor in ACTORS])
def test_access(world: World, key: str, actor: str) -> None:
    """One row of a grid: one actor on everyone's object."""
    expected = CELLS[key][actor]
    got = {owner: answer(world, actor, ON[key], owner) for owner in expected}
    assert not differences(expected, got), f"{actor}, {key}: {differences(expected, got)}"


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, world: World) -> None:
    """Every endpoint but the public ones, and nothing written on the way."""
    anonymous = app.test_client()
    not_sent = {}
    for key, action in [*OWN.items(), *ON.items()]:
        owner = example(key)
        url, form = action.request(world.owners[owner] if owner else None)
        savepoint = world.connection.begin_nested()
        touched = rows_touched(world.connection)
        response = anonymous.open(url, method=action.method, data=form)
        written = changed_tables(world, touched)
        savepoint.rollback()
        if response.status_code != 302 or "/login" not in response.location or written:
            not_sent[key] = (response.status_code, written)
    assert not_sent == {}


def test_public_endpoints_answer_without_signing_in(app: Flask, world: World) -> None:
    anonymous = app.test_client()
    assert anonymous.get("/login").status_code == 200
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.post("/language", data={"lang": "en"}).status_code == 302


# The pages that list people; each must name only people whose own page the viewer may open.
LISTS = ("plans.my_unit", "plans.overdue_report", "scoring.scoring_period",
         "scoring.evaluations_year", "rankings.dashboard", "audit.trail")  # fmt: skip


def page(world: World, actor: str, url: str) -> str:
    savepoint = world.connection.begin_nested()  # a page may store what it derived
    try:
        return world.clients[actor].get(url).get_data(as_text=True)
    finally:
        savepoint.rollback()


def test_lists_name_no_one_the_detail_pages_refuse(world: World) -> None:
    """Lists are filtered by the same rule as the person pages (`organisation.person_detail`)."""
    named_wrongly = {}
    for key, actor in [(key, actor) for key in LISTS for actor in ACTORS]:
        if OWN_ROWS[key][actor] != "ok":
            continue
        html = page(world, actor, OWN[key].url)
        named = {person for person, name in world.names.items() if name in html}
        refused = {person for person, cell in CELLS["organisation.person_detail"][actor].items()
                   if cell != "ok"}  # fmt: skip
        if named & refused:
            named_wrongly[f"{actor} on {key}"] = sorted(named & refused)
    assert named_wrongly == {}


def test_plans_wait_only_for_those_who_may_approve_them(world: World) -> None:
    """Everyone's week-12 plan is submitted: the deputy's queue holds the staff's, and not the
    head's, which the deputy may open but not approve."""
    html = page(world, "deputy_a", "/unit")
    names = world.names
    assert f"{names['staff_a']} — " in html
    assert f"{names['colleague_a']} — " in html
    assert f"{names['head_a']} — " not in html
    assert names["staff_b"] not in html
