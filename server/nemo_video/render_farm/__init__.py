"""Where renders run (DESIGN §9): in this process by default, on a Ray cluster when asked.

    farm = create_farm(settings)             # NEMO_RAY_ADDRESS unset → LocalFarm
    results = await farm.run(tasks, on_progress=lambda done, total, msg: ...)

Ray is imported only when ``NEMO_RAY_ADDRESS`` is set (``auto``, ``ray://host:10001``, ``host:6379``).
A timeline longer than ``NEMO_CHUNK_SECONDS`` is rendered in chunks (off in-process unless set, 60 s on
Ray): see :mod:`.chunks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..config import Settings
from .base import FarmProgress, FarmResult, FarmTask, RenderFarm
from .local import LocalFarm

if TYPE_CHECKING:
    from .ray_farm import RayFarm

RAY_ADDRESS_ENV = "NEMO_RAY_ADDRESS"

__all__ = ["RAY_ADDRESS_ENV", "FarmProgress", "FarmResult", "FarmTask", "LocalFarm", "RenderFarm", "create_farm"]


def create_farm(settings: Settings, env: Mapping[str, str] | None = None) -> RenderFarm:
    """The farm the settings ask for (or ``env``, when given): Ray when ``NEMO_RAY_ADDRESS`` is set,
    else in-process."""
    address = settings.ray_address if env is None else env.get(RAY_ADDRESS_ENV, "").strip()
    if not address:
        return LocalFarm(settings)
    from .ray_farm import RayFarm

    # One Ray farm per address and settings in a process: the backend's exports and the service's
    # variants and batches then share its object-store copies of the media.
    farm = _RAY_FARMS.get(address)
    if farm is None or farm.settings != settings:
        farm = _RAY_FARMS[address] = RayFarm(settings, address)
    return farm


_RAY_FARMS: dict[str, RayFarm] = {}
