"""PTZ control: one interface, protocol encoders, transports by URL.

- `commands`: what a dome is asked (`Move`, `Stop`, `Focus`, `Iris`, `AutoFocus`, `AutoIris`,
  `Preset`, `AuxOutput`, `MoveTo`, `MoveBy`, `Centre`), speeds in [-1, 1]; `PtzError` for anything
  a dome or protocol cannot take.
- `controller`: `PtzController`, `Capability`, `LineStatus`, `PtzPosition`.
- `pelco`, `visca`, `gb28181`: pure encoders, command → bytes (or the PTZCmd string).
- `lines`: one writer per physical line by URL (pyserial), VISCA over IP on UDP.
- `drivers`: `PtzHub` turns a catalog `ptz:` mapping into a controller on a shared line.
- `onvif`: `OnvifDome`, ONVIF PTZ through onvif-zeep-async.

No Qt here: the matrix host imports this headless.
"""

from console.ptz.commands import (
    AutoFocus,
    AutoIris,
    Aux,
    AuxOutput,
    Centre,
    Focus,
    Iris,
    Move,
    MoveBy,
    MoveTo,
    Preset,
    PresetAction,
    PtzCommand,
    PtzError,
    Stop,
    command_from_dict,
)
from console.ptz.controller import Capability, LineStatus, PtzController, PtzPosition

__all__ = [
    "AutoFocus",
    "AutoIris",
    "Aux",
    "AuxOutput",
    "Capability",
    "Centre",
    "Focus",
    "Iris",
    "LineStatus",
    "Move",
    "MoveBy",
    "MoveTo",
    "Preset",
    "PresetAction",
    "PtzCommand",
    "PtzController",
    "PtzError",
    "PtzPosition",
    "Stop",
    "command_from_dict",
]
