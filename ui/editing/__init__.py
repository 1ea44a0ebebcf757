"""Live capture: the facilitator's editing controls, shown only once the facilitator passcode is entered.

Every write goes through ``graph.data.edit`` (validated, locked, versioned, logged and undoable);
these modules turn widgets into those calls, and their errors into messages beside the fields. One
module per thing a facilitator does: ``link`` (add a link), ``node`` (add a node), ``selected`` (edit
or delete the selected node and its links), ``imports``, ``history`` (undo); ``panel`` composes the
Edit tab, ``gate`` is the passcode in the sidebar, ``common`` the session keys and the one write.
"""

from ui.editing.common import editing_unlocked, editor_name
from ui.editing.gate import GATE, unlock_controls

# The Edit tab itself (``ui.editing.panel.edit_panel``) is imported only when it is opened: it brings
# the import formats (openpyxl, defusedxml, rapidfuzz) and pandas, which nothing else here needs.
__all__ = ["GATE", "editing_unlocked", "editor_name", "unlock_controls"]
