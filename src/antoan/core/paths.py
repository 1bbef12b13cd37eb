"""Paths the database holds (an import's stored file, a batch's archive) are read only inside their own folder.

A backup restores those columns as they were written; a crafted archive could make one name any file the server can
read, and a download would then serve it (#27). Every such path is checked when it is read, not only when written."""

from pathlib import Path


def confined(path: str | Path | None, folder: str | Path) -> Path | None:
    """`path` when it lies inside `folder` once both are resolved (symbolic links followed), else None."""
    if not path:
        return None
    try:
        resolved = Path(path).resolve()
        return resolved if resolved.is_relative_to(Path(folder).resolve()) else None
    except (OSError, ValueError):  # a NUL byte, a loop of links
        return None
