"""The operator's camera browser: the catalog as a place tree, and search as you type.

Two models over one `Catalog`, shown one at a time by `CameraBrowser`:

* `CameraTreeModel`: city → county → town → site → camera, each level read from SQLite only
  when the operator opens it (`canFetchMore`/`fetchMore`), so 50,000 cameras cost a few
  dozen rows at start-up.
* `CameraSearchModel`: a flat list of `Catalog.search` results.  Search is separate rather
  than a filter on the tree because a filtered tree would have to load and walk every branch
  that holds a match (thousands of nodes for "路" or "1"), and then expand them before the
  operator sees a camera; a flat list costs one indexed query and one model reset per
  keystroke, shows the best match (an exact number) first, and leaves the tree's expanded
  branches as they were when the search box is cleared.  Its second column shows the place,
  because many sites share a name ("中山路路口3号") and only the place tells them apart.

Both drag cameras as `CAMERA_MIME` ("1042\\n1043", UTF-8, also as text/plain).

Both show a dot before each camera the wall agents report on (`set_camera_health`): green
live, amber connecting, red lost or failing (the reason in its tooltip).  A camera on no tile
has no dot: nobody watches it, so nothing is known about it, and a dot would claim more than
the desk knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QStackedWidget, QTreeView, QVBoxLayout, QWidget

from console.matrix.catalog import PLACE_SEPARATOR, Catalog
from console.matrix.model import Camera
from console.ui.reasons import reason_text
from console.ui.theme import STATE_COLOURS

CAMERA_MIME = "application/x-videowall-camera"
CameraNumberRole = Qt.ItemDataRole.UserRole + 1  # int for a camera row, None for a place
PlaceRole = Qt.ItemDataRole.UserRole + 2  # the place path (tuple of names) of a place or a camera

Index = QModelIndex | QPersistentModelIndex

_CAMERA_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                 | Qt.ItemFlag.ItemNeverHasChildren)
_PLACE_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def camera_mime_data(numbers: Iterable[int]) -> QMimeData | None:
    """Camera numbers for a drag: one per line, under our own type and as plain text."""
    unique = list(dict.fromkeys(numbers))
    if not unique:
        return None
    text = "\n".join(str(n) for n in unique)
    mime = QMimeData()
    mime.setData(CAMERA_MIME, text.encode("utf-8"))
    mime.setText(text)
    return mime


def camera_numbers(mime: QMimeData) -> list[int]:
    """The camera numbers a drop carries (our type first, then plain text); [] if none."""
    if mime.hasFormat(CAMERA_MIME):
        text = bytes(mime.data(CAMERA_MIME).data()).decode("utf-8", errors="replace")
    elif mime.hasText():
        text = mime.text()
    else:
        return []
    return [int(part) for part in text.split() if part.isdigit()]


def camera_label(camera: Camera) -> str:
    return f"{camera.number}  {camera.name}"


class CameraHealth(QObject):
    """What the wall agents last said of each camera: (state, reason); shared by both models."""

    changed = Signal(set)  # camera numbers whose state or reason changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cameras: dict[int, tuple[str, str]] = {}
        self._icons: dict[str, QIcon] = {}

    def set(self, cameras: dict[int, tuple[str, str]]) -> None:
        changed = {n for n in self.cameras.keys() | cameras.keys() if self.cameras.get(n) != cameras.get(n)}
        self.cameras = dict(cameras)
        if changed:
            self.changed.emit(changed)

    def icon(self, number: int) -> QIcon | None:
        known = self.cameras.get(number)
        if known is None:
            return None
        state = known[0]
        if state not in self._icons:
            self._icons[state] = _dot(STATE_COLOURS.get(state, STATE_COLOURS["error"]))
        return self._icons[state]

    def camera_tooltip(self, camera: Camera) -> str:
        text = f"{camera_label(camera)}\n{PLACE_SEPARATOR.join(camera.place)}"
        health = self.tooltip(camera.number)
        return f"{text}\n{health}" if health else text

    def tooltip(self, number: int) -> str:
        """One line for a camera's tooltip ("" when unknown), after its name and place."""
        known = self.cameras.get(number)
        if known is None:
            return ""
        state, reason = known
        text = {"playing": self.tr("online: live on the wall"), "connecting": self.tr("connecting"),
                "lost": self.tr("offline: signal lost"), "error": self.tr("offline: error")}.get(state, state)
        return f"{text}: {reason_text(reason)}" if reason else text


def _dot(colour: QColor, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(0, 0, 0, 0))
    painter.setBrush(colour)
    painter.drawEllipse(2, 2, size - 4, size - 4)
    painter.end()
    return QIcon(pixmap)


def _place_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class _Node:
    """One row of the tree: a place (camera is None) or a camera; children load on demand."""

    __slots__ = ("camera", "children", "count", "fetched", "name", "parent", "path", "row")

    def __init__(self, parent: _Node | None, row: int, path: tuple[str, ...], count: int,
                 camera: Camera | None = None) -> None:
        self.parent = parent
        self.row = row
        self.path = path
        self.name = path[-1] if path else ""
        self.count = count
        self.camera = camera
        self.children: list[_Node] = []
        self.fetched = camera is not None


class CameraTreeModel(QAbstractItemModel):
    """The catalog's places and cameras, one level loaded each time a place is first opened."""

    def __init__(self, catalog: Catalog, parent: QObject | None = None, health: CameraHealth | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._place_font = _place_font()
        self._camera_nodes: dict[int, list[_Node]] = {}  # the loaded rows of each camera
        self.health = health or CameraHealth(self)
        self.health.changed.connect(self._health_changed)
        self._root = self._top()

    def _top(self) -> _Node:
        # The top level is always shown: load it now rather than on the view's first request.
        root = _Node(None, 0, (), 0)
        root.children = self._load(root)
        root.fetched = True
        root.count = sum(child.count for child in root.children)
        return root

    def reload(self) -> None:
        """The catalog changed (an import): start again from its top level."""
        self.beginResetModel()
        self._camera_nodes = {}
        self._root = self._top()
        self.endResetModel()

    def _health_changed(self, numbers: set[int]) -> None:
        for number in numbers:
            for node in self._camera_nodes.get(number, ()):
                index = self.createIndex(node.row, 0, node)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole])

    # -- structure --------------------------------------------------------------------------
    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008 (Qt's default)
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._node(parent).children[row])

    def parent(self, child: Index | None = None) -> Any:
        if child is None:  # QObject.parent(), which this name hides
            return super().parent()
        if not child.isValid():
            return QModelIndex()
        up = self._node(child).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.column() > 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        if parent.column() > 0:
            return False
        node = self._node(parent)
        # A place exists only because cameras are at or below it; it has rows once opened.
        return node.camera is None and (not node.fetched or bool(node.children))

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return parent.column() <= 0 and not self._node(parent).fetched

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        node = self._node(parent)
        children = self._load(node)
        node.fetched = True
        if children:
            self.beginInsertRows(parent, 0, len(children) - 1)
            node.children = children
            self.endInsertRows()

    def _load(self, node: _Node) -> list[_Node]:
        """Places below `node` (by name), then the cameras right at it (by number)."""
        places = self._catalog.children(node.path)
        cameras = self._catalog.cameras_at(node.path)  # at the top level: cameras with no place
        rows = [_Node(node, row, (*node.path, name), count) for row, (name, count) in enumerate(places)]
        rows += [_Node(node, len(places) + i, node.path, 1, camera) for i, camera in enumerate(cameras)]
        for row in rows:
            if row.camera is not None:
                self._camera_nodes.setdefault(row.camera.number, []).append(row)
        return rows

    def index_of(self, path: Sequence[str], number: int | None = None) -> QModelIndex:
        """The row of a place, or of camera `number` at that place, loading branches as needed."""
        index = QModelIndex()
        for name in path:
            self.fetchMore(index)
            node = self._node(index)
            row = next((c.row for c in node.children if c.camera is None and c.name == name), None)
            if row is None:
                return QModelIndex()
            index = self.index(row, 0, index)
        if number is None:
            return index
        self.fetchMore(index)
        node = self._node(index)
        row = next((c.row for c in node.children if c.camera is not None and c.camera.number == number), None)
        return QModelIndex() if row is None else self.index(row, 0, index)

    @property
    def total(self) -> int:
        """Every camera in the catalog."""
        return self._root.count

    # -- content ----------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() != 0:
            return None
        node = self._node(index)
        camera = node.camera
        if role == Qt.ItemDataRole.DisplayRole:
            return camera_label(camera) if camera else f"{node.name}  ({node.count})"
        if role == Qt.ItemDataRole.ToolTipRole:
            if camera:
                return self.health.camera_tooltip(camera)
            return f"{PLACE_SEPARATOR.join(node.path)}\n" + self.tr("cameras: %1").replace("%1", str(node.count))
        if role == Qt.ItemDataRole.DecorationRole and camera:
            return self.health.icon(camera.number)
        if role == CameraNumberRole:
            return camera.number if camera else None
        if role == PlaceRole:
            return camera.place if camera else node.path
        if role == Qt.ItemDataRole.FontRole and camera is None:
            return self._place_font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and section == 0 and role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Cameras")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CAMERA_FLAGS if self._node(index).camera else _PLACE_FLAGS

    # -- drag -------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CAMERA_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]  # noqa: N802
        return camera_mime_data(n for n in (i.data(CameraNumberRole) for i in indexes if i.isValid()) if n is not None)

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction


class CameraSearchModel(QAbstractTableModel):
    """`Catalog.search` results: the camera, then its place; an exact number comes first."""

    CAMERA, PLACE = 0, 1

    def __init__(self, catalog: Catalog, limit: int = 200, parent: QObject | None = None,
                 health: CameraHealth | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.health = health or CameraHealth(self)
        self.health.changed.connect(self._health_changed)
        self.limit = limit
        self.query = ""
        self.cameras: list[Camera] = []
        self.truncated = False  # more cameras match than `limit`

    def set_query(self, text: str) -> None:
        text = text.strip()
        found = self._catalog.search(text, self.limit + 1) if text else []
        # One reset, not a diff: at most `limit` rows, and the view asks only for the visible ones.
        self.beginResetModel()
        self.query = text
        self.truncated = len(found) > self.limit
        self.cameras = found[:self.limit]
        self.endResetModel()

    def _health_changed(self, numbers: set[int]) -> None:
        rows = [row for row, camera in enumerate(self.cameras) if camera.number in numbers]
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), 0),
                                  [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.cameras)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 2

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cameras):
            return None
        camera = self.cameras[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return camera_label(camera) if index.column() == self.CAMERA else PLACE_SEPARATOR.join(camera.place)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.health.camera_tooltip(camera)
        if role == Qt.ItemDataRole.DecorationRole and index.column() == self.CAMERA:
            return self.health.icon(camera.number)
        if role == CameraNumberRole:
            return camera.number
        if role == PlaceRole:
            return camera.place
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == self.CAMERA:
                return self.tr("Camera")
            if section == self.PLACE:
                return self.tr("Place")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _CAMERA_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [CAMERA_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:  # type: ignore[override]  # noqa: N802
        return camera_mime_data(self.cameras[i.row()].number for i in indexes if i.isValid())

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.CopyAction


class CameraBrowser(QWidget):
    """A search box over the camera tree; typing swaps the tree for the matching cameras.

    Enter in the box takes the highlighted match (the first, unless the operator moved with
    the arrow keys), so "1042 Enter" picks camera 1042; Escape clears the search.
    """

    camera_activated = Signal(int)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.health = CameraHealth(self)
        self.tree_model = CameraTreeModel(catalog, self, health=self.health)
        self.search_model = CameraSearchModel(catalog, parent=self, health=self.health)

        self.search_box = QLineEdit(self)
        self.search_box.setPlaceholderText(self.tr("Search cameras: number, name or place"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.installEventFilter(self)

        self.tree = self._view(self.tree_model)
        self.tree.setHeaderHidden(True)
        self.results = self._view(self.search_model)
        self.results.setRootIsDecorated(False)
        header = self.results.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(CameraSearchModel.CAMERA, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(CameraSearchModel.CAMERA, 300)

        self.status = QLabel(self)
        self.status.hide()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.results)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search_box)
        layout.addWidget(self.status)
        layout.addWidget(self.stack, 1)

        self.search_box.textChanged.connect(self._search)
        self.search_box.returnPressed.connect(self._take_current_match)
        self.tree.activated.connect(self._activated)
        self.results.activated.connect(self._activated)
        # A lone top-level place (one city) is opened: its counties are what operators pick from.
        if self.tree_model.rowCount() == 1:
            self.tree.expand(self.tree_model.index(0, 0))

    def set_camera_health(self, cameras: dict[int, tuple[str, str]]) -> None:
        """Camera number -> (state, reason) from the wall agents' reports; others are unknown."""
        self.health.set(cameras)

    def reload(self) -> None:
        """After the catalog was imported anew: the tree from the top, the search again."""
        self.tree_model.reload()
        if self.tree_model.rowCount() == 1:
            self.tree.expand(self.tree_model.index(0, 0))
        self._search(self.search_box.text())

    def _view(self, model: QAbstractItemModel) -> QTreeView:
        view = QTreeView(self)
        view.setModel(model)
        view.setUniformRowHeights(True)  # lets the view lay out thousands of rows without asking each
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setDragEnabled(True)
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        view.setDefaultDropAction(Qt.DropAction.CopyAction)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return view

    @property
    def searching(self) -> bool:
        return self.stack.currentWidget() is self.results

    def current_view(self) -> QTreeView:
        return self.results if self.searching else self.tree

    def _search(self, text: str) -> None:
        self.search_model.set_query(text)
        if not self.search_model.query:
            self.status.hide()
            self.stack.setCurrentWidget(self.tree)
            return
        found = len(self.search_model.cameras)
        if not found:
            self.status.setText(self.tr("No camera matches"))
        elif self.search_model.truncated:
            self.status.setText(self.tr("First %1 matches: type more to narrow").replace("%1", str(found)))
        else:
            self.status.setText(self.tr("Matches: %1").replace("%1", str(found)))
        self.status.show()
        self.stack.setCurrentWidget(self.results)
        if found:
            first = self.search_model.index(0, 0)
            self.results.selectionModel().setCurrentIndex(
                first, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def _take_current_match(self) -> None:
        if self.searching:
            self._activated(self.results.currentIndex())

    def _activated(self, index: QModelIndex) -> None:
        number = index.data(CameraNumberRole) if index.isValid() else None
        if number is not None:
            self.camera_activated.emit(int(number))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                # The arrows move through the matches (or the tree) while the caret stays in the box.
                view = self.current_view()
                if not view.currentIndex().isValid() and view.model().rowCount() > 0:
                    view.setCurrentIndex(view.model().index(0, 0))
                else:
                    QCoreApplication.sendEvent(view, event)
                return True
        return super().eventFilter(watched, event)
