"""Workshop mode: scenes (saved views with captions), the presentation view, and downloads.

A scene is a live view of the current data, not a copy: stepping to it sets the explorer's
filters, focus and highlight, and the graph is drawn from whatever the data says now.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from graph.data import edit, files
from graph.data.folder import FolderStore
from graph.data.stores import Store
from graph.errors import ConflictError, DataError, GraphError, listed
from graph.picture.panels import escape_markdown
from graph.schema import Scene, View

E = escape_markdown

PRESENT_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.block-container { padding: 0.6rem 1rem 0 1rem !important; max-width: 100% !important; }
.block-container [data-testid="stVerticalBlock"] { gap: 0.45rem; }
/* Type follows the window's height, so the same scene fits a 1280x720 projector and reads
   from the back of the room on a 3840x2160 one. */
.block-container h1 { font-size: clamp(1.35rem, 4vh, 5.4rem); line-height: 1.25; margin: 0; padding: 0 0 0.1em 0;
  color: #000000; }
.st-key-kg-caption p { font-size: clamp(1rem, 2.5vh, 3.4rem); line-height: 1.32; color: #111111; margin: 0; }
.st-key-kg-stepper button p { font-size: clamp(1rem, 2vh, 2.6rem); white-space: normal; }
.st-key-kg-stepper p { font-size: clamp(1rem, 2vh, 2.6rem); line-height: 1.4; text-align: center; margin: 0 !important; }
.st-key-kg-side button p, .st-key-kg-export button p { font-size: clamp(0.9rem, 1.7vh, 2.2rem); white-space: normal; }
.st-key-kg-stepper [data-testid="stMarkdownContainer"], .st-key-kg-caption [data-testid="stMarkdownContainer"] {
  margin-bottom: 0 !important; }
section.main, .stMain { overflow: hidden; }
"""


# ------------------------------------------------------------------ scenes on disk


@st.cache_data(show_spinner=False, max_entries=4)
def _scenes(where: Store, stamp: tuple) -> tuple[list[dict], str]:
    # Read without the write lock: viewing must never write to (or need to write to) the data folder.
    scenes = where.read_scenes()
    return [scene.model_dump(mode="json") for scene in scenes], where.scenes_version()


def load_scenes(where: Store) -> tuple[list[Scene], str, list[str]]:
    """The scenes (in order), their version, and any problems reading them (shown, not raised)."""
    try:
        raw, version = _scenes(where, _scenes_stamp(where))
    except DataError as error:
        return [], "", listed(error.problems)
    except GraphError as error:
        return [], "", [str(error)]
    return [Scene.model_validate(s) for s in raw], version, []


def _scenes_stamp(where: Store) -> tuple:
    if not isinstance(where, FolderStore):
        return (where.scenes_version(),)
    path = where.folder / files.SCENES_FILE
    try:
        info = path.stat()
        return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    except OSError:
        return (-1, -1, -1, -1)


# ------------------------------------------------------------------ scenes <-> the view


def scene_view(state=None) -> View:
    """The view the explorer shows now, as a scene would store it (without the scene it came from)."""
    from ui import state as app_state

    return app_state.view().model_copy(update={"scene": None})


def go_to_scene(index: int, scenes: list[Scene], known: set[str] | None = None, select=None) -> None:
    """Show scene ``index``: its filters, selection and tab (what the data no longer has is dropped)."""
    from ui import state as app_state

    if not scenes:
        return
    scene = scenes[max(0, min(index, len(scenes) - 1))]
    tab = scene.view.tab or app_state.view().tab  # a scene without a tab keeps the panel in sight
    app_state.show_view(scene.view.model_copy(update={"scene": scene.id, "tab": tab}))


def current_scene(scenes: list[Scene]) -> tuple[int, Scene | None]:
    from ui import state as app_state

    chosen = app_state.view().scene
    for index, scene in enumerate(scenes):
        if scene.id == chosen:
            return index, scene
    return -1, None


# ------------------------------------------------------------------ controls


def sidebar_controls(where: Store, known: set[str], select: Callable[[str | None], None], can_edit: bool) -> None:
    """The Workshop expander: present, step through scenes, save and arrange them."""
    scenes, version, problems = load_scenes(where)
    from ui import state as app_state

    with st.expander("Workshop", expanded=bool(app_state.view().scene)):
        st.toggle(
            "Presentation mode",
            key=app_state.PRESENT,
            help="Full screen for a projector: large labels, no controls, the scene's caption.",
        )
        for problem in problems:
            st.error(E(problem))
        if scenes:
            index, _ = current_scene(scenes)
            names = [f"{i + 1}. {s.title}" for i, s in enumerate(scenes)]
            app_state.preset(app_state.SCENE_PICK, index if index >= 0 else None)
            st.selectbox(
                "Scene",
                range(len(scenes)),
                index=None,  # no scene yet shows the placeholder, so choosing the first one is a change
                format_func=lambda i: names[i],
                placeholder="Choose a scene…",
                key=app_state.SCENE_PICK,
                on_change=_picked_scene,
                args=(scenes, known, select),
            )
            _stepper(scenes, known, select, key="side")
        else:
            st.caption("No scenes yet.")
        if can_edit:
            _scene_editor(where, scenes, version)


def _picked_scene(scenes: list[Scene], known: set[str], select) -> None:
    from ui import state as app_state

    index = st.session_state.get(app_state.SCENE_PICK)
    if index is not None:
        go_to_scene(index, scenes, known, select)


def _stepper(scenes: list[Scene], known: set[str], select, *, key: str, stacked: bool = False) -> None:
    index, _ = current_scene(scenes)
    if stacked:  # one above the other: each button has the column's whole width for its text
        previous = label = following = st.container()
    else:
        previous, label, following = st.columns([1, 1.2, 1], vertical_alignment="center")
    previous.button(
        "◀ Previous",
        key=f"prev-{key}",
        disabled=index <= 0,
        on_click=go_to_scene,
        args=(index - 1, scenes, known, select),
        width="stretch",
    )
    label.markdown(f"**{index + 1} of {len(scenes)}**" if index >= 0 else f"{len(scenes)} scenes")
    following.button(
        "Next ▶",
        key=f"next-{key}",
        disabled=index >= len(scenes) - 1,
        on_click=go_to_scene,
        args=(index + 1, scenes, known, select),
        width="stretch",
    )


def _scene_editor(where: Store, scenes: list[Scene], version: str) -> None:
    from ui.editing import editor_name

    editor = editor_name()
    if not editor:
        st.caption("Enter your name under **Editing is unlocked** to save or arrange scenes.")
        return
    with st.form("new-scene", clear_on_submit=True, border=False):
        st.markdown("**Save the current view as a scene**")
        st.text_input("Title", max_chars=200, key="new_scene_title")
        st.text_area("Caption", max_chars=2000, height=80, key="new_scene_caption")
        # A callback runs before the page is drawn again, so the new scene shows at once.
        st.form_submit_button("Save scene", on_click=_save_new_scene, args=(where, scenes, version, editor))
    index, scene = current_scene(scenes)
    if scene is not None:
        up, down, delete = st.columns(3)
        up.button(
            "Move up",
            key="scene-up",
            disabled=index == 0,
            on_click=_write,
            args=(edit.move_scene, where, scene.id, index - 1),
            kwargs={"editor": editor, "expected_version": version, "what": f"moved up the scene '{scene.title}'"},
            width="stretch",
        )
        down.button(
            "Move down",
            key="scene-down",
            disabled=index == len(scenes) - 1,
            on_click=_write,
            args=(edit.move_scene, where, scene.id, index + 1),
            kwargs={"editor": editor, "expected_version": version, "what": f"moved down the scene '{scene.title}'"},
            width="stretch",
        )
        delete.button(
            "Delete",
            key="delete-scene",
            on_click=_write,
            args=(edit.delete_scene, where, scene.id),
            kwargs={"editor": editor, "expected_version": version, "what": f"deleted the scene '{scene.title}'"},
            width="stretch",
        )
    message = st.session_state.pop("scene_message", None)
    if message and message[0] == "ok" and message[2]:
        st.success(E(message[1]))  # the sidebar is narrow: the button goes below, at full width
        st.button(
            "Undo",
            key="scene-undo",
            on_click=_write,
            args=(edit.undo, where, message[2]),
            kwargs={"editor": editor, "expected_version": message[3], "done": "Undone."},
            width="stretch",
        )
    elif message:
        (st.success if message[0] == "ok" else st.error)(E(message[1]))
    mine = st.session_state.get(SCENE_MINE)
    if mine and not (message and message[0] == "ok" and message[2] == mine[1]):
        # This facilitator's own last scene change keeps its Undo, whatever was saved or refused since.
        st.caption(E(f"Your last scene change: you {mine[0]}."))
        st.button(
            "Undo your last scene change",
            key="scene-undo-mine",
            on_click=_write,
            args=(edit.undo, where, mine[1]),
            kwargs={"editor": editor, "expected_version": None, "done": "Undone."},
            width="stretch",
        )


def _save_new_scene(where: Store, scenes: list[Scene], version: str, editor: str) -> None:
    title = str(st.session_state.get("new_scene_title") or "").strip()
    caption = str(st.session_state.get("new_scene_caption") or "").strip()
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "scene"
    taken = {s.id for s in scenes}
    scene_id, n = f"scene:{slug}", 2
    while scene_id in taken:
        scene_id, n = f"scene:{slug}-{n}", n + 1
    try:
        scene = Scene(id=scene_id, title=title or " ", caption=caption, view=scene_view(st.session_state))
    except ValueError:
        st.session_state["scene_message"] = ("error", "A scene needs a title.")
        return
    if _write(edit.add_scene, where, scene, editor=editor, expected_version=version, what=f"saved the scene '{title}'"):
        from ui import state as app_state

        app_state.show_view(scene.view.model_copy(update={"scene": scene_id}))


#: This session's own last scene change that can be undone: (what it did, in words; its log entry id).
SCENE_MINE = "_kg_scene_mine"


def _write(operation, *args, done: str = "Saved.", what: str = "changed the scenes", **kwargs) -> bool:
    """Run a scene operation; say what happened. True when it was saved. A change that can be undone
    is kept as this session's own, so its Undo outlives a later conflict or someone else's change.

    The passcode is checked again now, at the moment of writing: a page drawn before the passcode
    was changed (or before Lock) cannot write.
    """
    from ui.editing import editing_unlocked

    saved = False
    if not editing_unlocked():
        st.session_state["scene_message"] = ("error", "Editing is locked: unlock it with the current passcode.")
        _scenes.clear()
        return False
    try:
        result = operation(*args, **kwargs)
        saved = True
    except ConflictError:
        st.session_state["scene_message"] = (
            "error",
            "Someone else changed the scenes meanwhile: they have been reloaded. Try again.",
        )
    except DataError as error:
        st.session_state["scene_message"] = ("error", "; ".join(listed(error.problems)))
    except GraphError as error:
        st.session_state["scene_message"] = ("error", str(error))
    else:
        undoable = result.entry_id if operation is not edit.undo else None
        st.session_state["scene_message"] = ("ok", done, undoable, result.version)
        if undoable:
            st.session_state[SCENE_MINE] = (what, undoable)
        elif operation is edit.undo and st.session_state.get(SCENE_MINE, (None, None))[1] in args:
            st.session_state.pop(SCENE_MINE, None)
    _scenes.clear()
    return saved


# ------------------------------------------------------------------ presentation view


def presentation_header(where: Store, known: set[str], select) -> tuple[str, str]:
    """Hide the controls; return the heading and caption for the current scene."""
    st.html(f"<style>{PRESENT_CSS}</style>")
    scenes, _, _ = load_scenes(where)
    _, scene = current_scene(scenes)
    if scene is None:
        return "Children's social care: the national learning infrastructure", (
            "What the What Works Centre for Children's Social Care heard from nearly 300 people, 2017–18."
        )
    return scene.title, scene.caption


def presentation_stepper(where: Store, known: set[str], select) -> None:
    scenes, _, _ = load_scenes(where)
    if scenes:
        with st.container(key="kg-stepper"):
            _stepper(scenes, known, select, key="present", stacked=True)


def selected_text(graph, node_id: str) -> str:
    """The selected node's whole name as markdown (a quotation with whoever said it), for the
    caption: the drawing's label may be shortened, this line never is."""
    from graph.picture.style import style_of

    node = graph.nodes[node_id]
    kind = style_of(str(node.get("type", ""))).label
    label = " ".join(str(node.get("label") or node_id).split())
    if node.get("type") == "quote":
        said_by = node.get("attribution") or node.get("speaker")
        return f"**{kind}:** “{E(label)}”" + (f" — {E(str(said_by))}" if said_by else "")
    return f"**{kind}:** {E(label)}"


def legend_html(legend_entries: list[dict], *, size: str = "1.15rem", inline: bool = False) -> str:
    """The key as HTML: a coloured glyph of each type's shape and its name.

    Built only from the app's own constants (colours, glyphs, type names), never from data.
    """
    layout = "display:inline-flex;margin-right:1.1rem" if inline else "display:flex;margin:0.3rem 0"
    rows = "".join(
        f'<div role="listitem" style="{layout};align-items:center;gap:0.45rem;font-size:{size};color:#111">'
        f'<span aria-hidden="true" style="color:{entry["color"]};font-size:1.4em;line-height:1;'
        f'-webkit-text-stroke:0.6px #333">{entry["symbol"]}</span><span>{entry["label"]}</span></div>'
        for entry in legend_entries
    )
    return f'<div role="list" aria-label="Key to node types">{rows}</div>'


def presentation_side(legend_entries: list[dict]) -> None:
    """The narrow column beside the graph: the way out (and a key, when one is given; the
    drawing carries its own key, drawn from the same style table)."""
    if legend_entries:
        st.html(legend_html(legend_entries))
    with st.container(key="kg-side"):
        st.button("Leave presentation", on_click=_leave, width="stretch")


def _leave() -> None:
    from ui import state as app_state

    st.session_state[app_state.PRESENT] = False
