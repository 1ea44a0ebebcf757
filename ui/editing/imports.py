"""Import a spreadsheet or graph file: a preview with every problem at its row and a choice per row
(a near-duplicate to merge or keep, a misspelt name to match, a body to create, a row to keep
back), then the good rows, all at once."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from graph.data import edit
from graph.data.stores import Handle
from graph.errors import DataError, Problem, visible
from graph.formats import MAX_IMPORT_BYTES, MergePlan, near_duplicates, parse_import, plan_merge
from graph.formats.preview import import_preview
from graph.schema import Dataset
from ui.editing.common import IMPORT_PLAN, E, add_error, problem_table, save, show_other_errors

IMPORT_TYPES = ["csv", "xlsx", "graphml", "gexf", "json"]


_IMPORT_SHOWN = "_kg_import_shown"  # (version, the plan as the preview shows it, after merge answers)


_TYPE_CHANGE_OK = "kg_import_type_ok"


_UPLOADS = "_kg_uploads"
_KEEP_BACK = "kg_import_keep_back"


def import_section(handle: Handle, dataset: Dataset) -> None:
    state = st.session_state
    megabytes = MAX_IMPORT_BYTES // (1024 * 1024)
    st.caption(
        f"CSV, Excel (.xlsx), GraphML, GEXF or JSON, up to {megabytes} MB. An import adds and updates nodes and "
        "links; it never deletes. You see what it would do before anything is saved."
    )
    upload = st.file_uploader(
        "File to import",
        type=IMPORT_TYPES,
        key=f"kg_import_{state.get(_UPLOADS, 0)}",
        max_upload_size=megabytes,
    )
    if upload is None:
        state.pop(IMPORT_PLAN, None)
        state.pop(_IMPORT_SHOWN, None)
        return
    plan = _import_plan(upload, handle.version, dataset)
    if isinstance(plan, DataError):
        st.error("This file cannot be imported:")
        problem_table(plan.problems)
        return
    plan = _answered(upload, handle.version, dataset, plan)
    state[_IMPORT_SHOWN] = (handle.version, plan)
    _show_plan(plan, dataset)
    retyped = _type_changes_confirmed(plan)
    st.button(
        "Apply import",
        key="kg_apply_import",
        type="primary",
        disabled=not (plan.ok and plan.has_changes and retyped),
        on_click=_apply_import,
        args=(handle,),
    )
    show_other_errors("import", set())


def _import_plan(upload, version: str, dataset: Dataset) -> MergePlan | DataError:
    """The merge plan of an upload against the data at ``version``, worked out once per file and version."""
    state = st.session_state
    ident = (upload.file_id, upload.name, version)
    kept = state.get(IMPORT_PLAN)
    if kept and kept[0] == ident:
        return kept[1]
    if upload.size > MAX_IMPORT_BYTES:
        plan: MergePlan | DataError = DataError(
            [Problem(upload.name, "", "", f"file is {upload.size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}")]
        )
    else:
        try:
            plan = plan_merge(dataset, parse_import(upload.getvalue(), upload.name))
        except DataError as error:
            plan = error
    state[IMPORT_PLAN] = (ident, plan)
    return plan


def _answered(upload, version: str, dataset: Dataset, plan: MergePlan) -> MergePlan:
    """The plan again with this person's answers: new nodes that look like existing ones (merge or
    keep both), names a link gives that no node has (which node it is, or a new one), and whether
    to keep back the rows that still have problems."""
    same_as = _near_duplicate_answers(dataset, plan)
    ends, create = _end_answers(plan)
    keep_back = False
    if plan.problems:
        keep_back = st.checkbox(
            "Import the good rows and keep back the rest",
            key=_KEEP_BACK,
            help="The rows that still have problems are left out, and listed with them below.",
        )
    if not (same_as or ends or create or keep_back):
        return plan
    answers = tuple(sorted(same_as.items())), tuple(sorted(ends.items())), tuple(sorted(create.items())), keep_back
    ident = (upload.file_id, version, answers)
    kept = st.session_state.get("_kg_import_merged")
    if not (kept and kept[0] == ident):
        batch = parse_import(upload.getvalue(), upload.name)
        kept = (ident, plan_merge(dataset, batch, same_as=same_as, ends=ends, create=create, keep_back=keep_back))
        st.session_state["_kg_import_merged"] = kept
    return kept[1]


def _end_answers(plan: MergePlan) -> tuple[dict[str, str], dict[str, str]]:
    """One choice per name a link gives that no node has: the node it is (suggestions best first, each
    with why), a new node of a type the relation allows, or keep its rows back."""
    names: dict[str, tuple[str, list[str], list]] = {}  # folded name -> (as written, rows, suggestions)
    for (row, column), (text, _) in plan.creatable.items():
        folded = " ".join(text.split()).casefold()
        entry = names.setdefault(folded, (text, [], list(plan.suggestions.get((row, column), ()))))
        entry[1].append(row)
    kinds_of = {" ".join(t.split()).casefold(): k for t, k in plan.creatable.values()}
    if not names:
        return {}, {}
    st.warning(f"{len(names)} name(s) in the file match no node. Say what each one is:")
    ends: dict[str, str] = {}
    create: dict[str, str] = {}
    for folded, (text, rows, suggested) in names.items():
        options = {"": "Keep its rows back"}
        options |= {f"is:{m.id}": f"It is {m.label} ({m.id}): {m.why}" for m in suggested}
        options |= {f"new:{kind}": f"Create a new {kind} '{text}'" for kind in kinds_of[folded]}
        choice = st.selectbox(
            E(f"'{text}' ({', '.join(sorted(set(rows)))})"),
            list(options),
            format_func=options.get,  # options are shown as plain text (a label is markdown)
            key=f"kg_end_{hashlib.sha1(folded.encode()).hexdigest()[:12]}",
            help="Suggestions come first, best first; nothing is matched until you choose.",
        )
        if choice.startswith("is:"):
            ends[text] = choice.removeprefix("is:")
        elif choice.startswith("new:"):
            create[text] = choice.removeprefix("new:")
    return ends, create


def _near_duplicate_answers(dataset: Dataset, plan: MergePlan) -> dict[str, str]:
    """Warn about new nodes that look like existing ones (best first, each with why); the answers."""
    warnings = near_duplicates(plan, dataset) if plan.added_nodes else []
    if not warnings:
        return {}
    st.warning(f"{len({w.new.id for w in warnings})} new node(s) look like nodes already in the data:")
    same_as: dict[str, str] = {}
    for new_id in dict.fromkeys(w.new.id for w in warnings):
        options = {"": "Keep both"} | {
            w.existing.id: f"Merge into {w.existing.label} ({w.existing.id})" for w in warnings if w.new.id == new_id
        }
        reasons = "; ".join(w.reason for w in warnings if w.new.id == new_id)
        choice = st.radio(
            E(f"New: {next(w.new.label for w in warnings if w.new.id == new_id)} ({new_id})"),
            list(options),
            format_func=lambda key, options=options: E(options[key]),
            key=f"kg_near_{hashlib.sha1(new_id.encode()).hexdigest()[:12]}",
            horizontal=True,
            help=reasons,
        )
        st.caption(E(reasons))
        if choice:
            same_as[new_id] = choice
    return same_as


def _type_changes_confirmed(plan: MergePlan) -> bool:
    """An import that changes an existing node's type needs a tick first: it changes what the node is."""
    if not plan.type_changes:
        return True
    st.warning(
        f"This import changes the type of {len(plan.type_changes)} existing node(s): " + E(plan.describe_type_changes())
    )
    return st.checkbox("Yes, change the type of these nodes", key=_TYPE_CHANGE_OK)


def _show_plan(plan: MergePlan, dataset: Dataset) -> None:
    if plan.rows_read:
        st.text(plan.rows_read_summary())
    st.text(plan.summary())
    if plan.problems:
        count = len(plan.problems)
        what = "this problem is" if count == 1 else f"these {count} problems are"
        st.error(f"Nothing can be imported until {what} answered above, fixed in the file, or kept back:")
        problem_table(plan.problems)
    if plan.kept_back:
        rows = len({p.element for p in plan.kept_back})
        st.info(f"{rows} row(s) kept back, with their problems; the rest is imported:")
        problem_table(plan.kept_back)
    if not plan.problems and not plan.has_changes:
        st.info("The file adds and changes nothing: everything in it is already in the data.")
    incoming = import_preview(plan, dataset)["nodes"]
    sections = [
        (
            "Incoming nodes",
            [
                {
                    "row": n["row"],
                    "name": n["label"],
                    "is or becomes": n["id"] or "",
                    "action": n["action"],
                    "may be": "; ".join(f"{m['id']} ({m['why']})" for m in n["matches"] if m["id"] != n["id"]),
                }
                for n in incoming
            ],
        ),
        (
            "New links",
            [
                {"source": e.source, "relation": e.relation.value, "target": e.target, "basis": e.basis}
                for e in plan.added_edges
            ],
        ),
        (
            "Changed links",
            [{"row": c.element, "link": c.after.key, "changed": ", ".join(c.fields)} for c in plan.changed_edges],
        ),
    ]
    for title, rows in sections:
        if rows:
            st.markdown(f"**{title}** ({len(rows)})")
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(36 * (len(rows) + 1), 250))
    left_alone = len(plan.unchanged_nodes) + len(plan.unchanged_edges)
    if left_alone:
        st.caption(f"{left_alone} rows of the file match the data already and are left alone.")
    for note in plan.notes:
        st.caption(E(visible(note)))


def _apply_import(handle: Handle) -> None:
    state = st.session_state
    kept = state.get(_IMPORT_SHOWN)
    plan = kept[1] if kept and kept[0] == handle.version else None
    if not isinstance(plan, MergePlan) or not plan.ok:
        add_error("import", "", "Nothing to import: choose a file without problems.")
        return
    if plan.type_changes and not state.get(_TYPE_CHANGE_OK):
        add_error("import", "", "Tick the box to confirm the change of type first.")
        return
    name = plan.file[:80]
    done = f"Imported {E(name)}: {E(plan.summary())}"
    write = lambda who: edit.apply_batch(  # noqa: E731
        handle.store, plan.merged, editor=who, action=f"import {name}", expected_version=handle.version
    )
    if save("import", write, done):
        state[_UPLOADS] = state.get(_UPLOADS, 0) + 1  # a fresh, empty uploader
        for key in (IMPORT_PLAN, _IMPORT_SHOWN, _TYPE_CHANGE_OK, _KEEP_BACK):
            state.pop(key, None)
