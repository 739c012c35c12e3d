"""Find the submissions to grade and read their allowed files, defensively.

A submission is a folder or a zip file named by the student id. The arguments
of ``mathdl grade`` may be submissions themselves, folders holding them, or a
Gradescope submission export (a folder with ``submission_metadata.yml``, one
``submission_<n>`` folder per submission).

Everything in a submission is hostile input, so:

* Gradescope metadata is read only in a folder the instructor passed on the
  command line, never in a student's folder (where it would let a student
  claim a classmate's id); it is YAML without aliases or anchors, of bounded
  size, and every field used is type-checked.
* A student id is kept as it is (the gradebook and results.jsonl show it);
  :func:`file_name` maps it injectively to a file name for the per-student
  outputs, and two sources with the same id are an error naming both
  (:class:`DuplicateIds`), never a silent rename.
* Only chapter modules (``chNN_<slug>.py``) are read, by base name, with size
  limits, without following links, in bounded walks. Anything that goes wrong
  reading one submission (a corrupt zip, an unreadable folder, ...) becomes a
  problem of that submission, which scores zero with the reason in its
  feedback: :func:`load_files` never raises.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Course
from ..inert import clean, one_line

MAX_FILE_BYTES = 1_000_000
MAX_TOTAL_BYTES = 8_000_000
MAX_ZIP_BYTES = 64_000_000  # a zip this large holds more than chapter modules
MAX_ZIP_ENTRIES = 20_000  # read from the end record, before the directory is parsed
MAX_ZIP_DIRECTORY_BYTES = 4_000_000
MAX_WALK_ENTRIES = 20_000  # files and folders looked at in one submission folder
MAX_WALK_DEPTH = 16
MAX_METADATA_BYTES = 16_000_000
MAX_PROBLEMS = 12
MAX_SEEN = 200  # file names remembered to explain a missing module
METADATA = "submission_metadata.yml"
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-@+")


class NotASubmission(FileNotFoundError):
    """A command-line argument that holds no submission, with what to pass instead."""

    def __init__(self, message: str, todo: str, chapter: str = "", argument: str = ""):
        super().__init__(message)
        self.todo = todo
        self.chapter, self.argument = chapter, argument  # an argument that named a chapter, where submissions go


class DuplicateIds(ValueError):
    """Two submissions would be graded under one student id."""


@dataclass
class Submission:
    student: str  # the student id, as found (shown in the gradebook)
    source: str  # where it came from (for the report)
    path: Path
    files: dict[str, bytes] = field(default_factory=dict)  # chapter module file name -> content
    problems: list[str] = field(default_factory=list)  # what could not be read, for the feedback
    seen: list[str] = field(default_factory=list)  # other file names in it (to explain a missing module)
    loaded: bool = False

    def note(self, problem: str) -> None:
        """Record a problem for the student's feedback (cleaned, bounded)."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(clean(problem)[:600])
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append("(more problems were found and are not listed)")

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        for problem in self.problems:
            h.update(problem.encode("utf-8", "replace"))
        return h.hexdigest()[:16]


def file_name(student: str) -> str:
    """The student's id as a file name, injectively, also on case-insensitive
    file systems: lowercase letters, digits and ``._-@+`` stay, every other
    character becomes ``%xx`` (its UTF-8 bytes, lowercase hex); ids with
    capitals, and very long ids, get ``~`` and a hash of the exact id. A leading
    ``.`` or ``-`` is escaped (no hidden files, nothing read as an option)."""
    parts = []
    for i, ch in enumerate(student):
        if ch in _PLAIN and not (i == 0 and ch in ".-"):
            parts.append(ch)
        elif ch.isascii() and ch.isalpha():  # a capital: kept, the hash tells it apart
            parts.append(ch)
        else:
            parts.append("".join(f"%{b:02x}" for b in ch.encode("utf-8", "surrogatepass")))
    name = "".join(parts) or "%"  # a lone "%" is no escape: only the empty id gives it
    if name != name.lower() or len(name) > 100:
        name = name[:80] + "~" + hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return name


def _student_id(name: str) -> str:
    """A file or folder name as a student id: invalid UTF-8 bytes shown as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _shown(path: Path) -> str:
    """A path as text that can be written anywhere (invalid UTF-8 shown as \\xNN)."""
    return one_line(_student_id(str(path)))


_ARCHIVES = (".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".ipynb")  # submissions in a form not graded


def _ignored(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def discover(paths: list[Path], course: Course, warnings: list[str] | None = None) -> list[Submission]:
    """Expand the command's arguments into submissions, sorted by student id.

    Raises :class:`NotASubmission` for an argument that is neither a folder nor
    a zip file (or cannot be read), and :class:`DuplicateIds` when two submissions share a student id.
    A submission that cannot be examined is still returned, with the reason in
    its ``problems``; batch-level remarks go to ``warnings``.
    """
    warnings = warnings if warnings is not None else []
    names = {f"{name}.py" for name in course.module_names().values()}
    found: list[Submission] = []
    for path in paths:
        if path.is_file() and path.suffix.lower() == ".zip":
            found.append(Submission(_student_id(path.stem), _shown(path), path))
        elif path.is_dir():
            try:
                entries = sorted(path.iterdir())
            except OSError as exc:
                raise NotASubmission(f"{path} cannot be read: {exc.strerror or exc}", "make it readable by this user, or pass another folder") from None
            holds_module = any(e.name in names and e.is_file() for e in entries)
            if (path / METADATA).is_file() and not holds_module:
                found += _gradescope(path, entries, warnings)
            elif holds_module:
                found.append(Submission(_student_id(path.name), _shown(path), path))
            else:
                for child in entries:
                    sub = _child_submission(child)
                    if sub is not None:
                        found.append(sub)
                    elif child.suffix.lower() in _ARCHIVES and not _ignored(child.name):
                        warnings.append(f"{_shown(child)} was not graded: submissions are folders or .zip files")
        else:
            raise _not_a_submission(path, course)
    by_id: dict[str, Submission] = {}
    for sub in found:
        other = by_id.get(sub.student)
        if other is not None:
            raise DuplicateIds(f"two submissions have the student id {sub.student!r}: {other.source} and {sub.source}")
        by_id[sub.student] = sub
    return sorted(found, key=lambda s: s.student)


def _not_a_submission(path: Path, course: Course) -> NotASubmission:
    """Why ``path`` (a command-line argument) is not a submission, and what to pass."""
    from ..catalog import LookupFailed
    from ..names import nearest_folder

    layout = "one folder or .zip per student, named by the student id"
    if not os.path.lexists(path):
        if len(path.parts) == 1:  # "mathdl grade ch2 subs/": a chapter where submissions go
            try:
                chapter = course.chapter(str(path))
            except LookupFailed:
                chapter = None
            if chapter is not None:
                return NotASubmission(f"there is no {path}: a chapter is chosen with --chapter", f"pass --chapter {chapter.short}", chapter.short, str(path))
        near = nearest_folder(path)
        return NotASubmission(f"there is no {path}", f"did you mean {near}?" if near else f"pass the folder that holds the submissions ({layout})")
    if path.suffix.lower() == ".py":
        return NotASubmission(f"{path} is a single file, not a submission", f"pass the folder holding the submissions ({layout}); a student's files sit in their folder")
    if path.suffix.lower() in _ARCHIVES:
        return NotASubmission(f"{path} is not a .zip file", "unpack it, or zip it: only folders and .zip files are read")
    return NotASubmission(f"{path} is neither a folder nor a .zip file", f"pass submission folders or .zip files ({layout})")


def _child_submission(child: Path) -> Submission | None:
    """One entry of a folder of submissions: a folder or a zip file, else None.
    A student's folder is a submission whatever it holds (its own
    submission_metadata.yml is ignored: a student cannot name their id)."""
    if _ignored(child.name):
        return None
    student = _student_id(child.stem if child.suffix.lower() == ".zip" else child.name)
    try:
        mode = child.lstat().st_mode
    except OSError as exc:
        sub = Submission(student, _shown(child), child)
        sub.note(f"could not examine {child.name}: {exc.strerror or exc}")
        return sub
    if stat.S_ISLNK(mode):
        return None
    if stat.S_ISREG(mode) and child.suffix.lower() == ".zip":
        return Submission(student, _shown(child), child)
    if stat.S_ISDIR(mode):
        return Submission(_student_id(child.name), _shown(child), child)
    return None


# -- Gradescope exports --------------------------------------------------------------


def _no_alias_loader():
    import yaml

    class NoAliases(yaml.SafeLoader):
        """Safe YAML without anchors or aliases: a few hundred bytes of aliases
        can expand into gigabytes (a "billion laughs" document)."""

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise yaml.YAMLError(f"anchors and aliases are not allowed ({event.start_mark})")
            return super().compose_node(parent, index)

    return NoAliases


def read_bounded(path: Path, limit: int) -> bytes:
    """A file of at most ``limit`` bytes; ValueError saying why it cannot be used
    ("cannot be read: ...", "is larger than N MB")."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ValueError(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise ValueError(f"is larger than {limit // 1_000_000} MB")
    return data


def read_metadata(path: Path) -> dict:
    """A Gradescope ``submission_metadata.yml``: bounded, without aliases; raises
    ValueError with the reason when it cannot be used."""
    import yaml

    data = read_bounded(path, MAX_METADATA_BYTES)
    try:
        meta = yaml.load(data.decode("utf-8", "replace"), Loader=_no_alias_loader())
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ValueError(f"is not valid YAML without aliases: {clean(str(exc))[:200]}") from None
    if not isinstance(meta, dict):
        raise ValueError("is not a mapping of submission folders")
    return meta


def _submitters(info: object) -> tuple[list[str], str]:
    """The ids of a submission's submitters (sid, else email), and a problem."""
    if not isinstance(info, dict):
        return [], "it has no entry in submission_metadata.yml"
    people = info.get(":submitters", info.get("submitters"))
    if not isinstance(people, list) or not people:
        return [], "its entry in submission_metadata.yml lists no submitters"
    ids, bad = [], 0
    for person in people:
        ident = None
        if isinstance(person, dict):
            for key in (":sid", "sid", ":email", "email"):
                value = person.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    value = str(value)
                if isinstance(value, str) and value.strip():
                    ident = value.strip()
                    break
        if ident is None:
            bad += 1
        elif ident not in ids:
            ids.append(ident)
    problem = f"{bad} submitter(s) in submission_metadata.yml have no usable sid or email" if bad else ""
    return ids, problem


def _gradescope(folder: Path, entries: list[Path], warnings: list[str]) -> list[Submission]:
    """One submission per submitter of each ``submission_<n>`` folder (a group
    submission is graded for each member). A folder the metadata does not
    describe keeps its folder name as id, with the reason as a problem."""
    try:
        meta = read_metadata(folder / METADATA)
    except ValueError as exc:
        warnings.append(f"{_shown(folder / METADATA)} {exc}: its submissions are named by their folders")
        meta = {}
    out = []
    for sub in entries:
        try:
            if _ignored(sub.name) or not stat.S_ISDIR(sub.lstat().st_mode):
                continue
        except OSError:
            continue
        ids, problem = _submitters(meta.get(sub.name))
        if not ids:
            fallback = Submission(_student_id(sub.name), _shown(sub), sub)
            fallback.note(f"graded under its folder name {sub.name}: {problem or 'no student id'}")
            out.append(fallback)
            continue
        for ident in ids:
            item = Submission(clean(ident), _shown(sub), sub)
            if problem:
                item.note(problem)
            out.append(item)
    return out


# -- reading a submission's files ---------------------------------------------------


def load_files(sub: Submission, course: Course) -> None:
    """Read the submission's chapter modules into ``sub.files``. Never raises:
    whatever goes wrong becomes one of the submission's problems."""
    if sub.loaded:
        return
    sub.loaded = True
    names = {f"{name}.py" for name in course.module_names().values()}
    reader = _Reader(sub, names)
    try:
        mode = sub.path.lstat().st_mode
        if stat.S_ISDIR(mode):
            reader.folder(sub.path)
        elif stat.S_ISREG(mode):
            reader.zip(sub.path)
        else:
            sub.note(f"{Path(sub.source).name} is neither a folder nor a .zip file")
    except Exception as exc:  # noqa: BLE001 - one submission must never stop the batch
        sub.note(f"could not read {Path(sub.source).name}: {type(exc).__name__}: {exc} (re-upload it as a plain .zip or a folder)")


class _Reader:
    def __init__(self, sub: Submission, names: set[str]):
        self.sub = sub
        self.names = names
        self.total = 0

    def take(self, name: str, data: bytes) -> None:
        sub = self.sub
        if name in sub.files:
            sub.note(f"{name} appears more than once; the first copy was graded")
        elif len(data) > MAX_FILE_BYTES:
            sub.note(f"{name} is larger than {MAX_FILE_BYTES // 1000} kB and was not graded")
        elif self.total + len(data) > MAX_TOTAL_BYTES:
            sub.note(f"the submission is larger than {MAX_TOTAL_BYTES // 1_000_000} MB; {name} was not graded")
        else:
            self.total += len(data)
            sub.files[name] = data

    def see(self, name: str) -> None:
        if name not in self.names and len(self.sub.seen) < MAX_SEEN and name not in self.sub.seen:
            self.sub.seen.append(clean(name)[:200])

    def zip(self, path: Path) -> None:
        sub = self.sub
        if path.stat().st_size > MAX_ZIP_BYTES:
            sub.note(f"{path.name} is larger than {MAX_ZIP_BYTES // 1_000_000} MB and was not read (zip only your chapter modules)")
            return
        with open(path, "rb") as raw:
            entries, directory = _zip_directory_size(raw)
            # parsing the directory costs about 1 kB of memory per entry: refuse large ones unread
            if entries > MAX_ZIP_ENTRIES or directory > MAX_ZIP_DIRECTORY_BYTES:
                sub.note(f"{path.name} holds more than {MAX_ZIP_ENTRIES} entries and was not read (zip only your chapter modules)")
                return
            with zipfile.ZipFile(raw) as zf:
                for base, info in self._modules_in(zf):
                    if info.file_size > MAX_FILE_BYTES:
                        sub.note(f"{base} is larger than {MAX_FILE_BYTES // 1000} kB and was not graded")
                        continue
                    try:
                        with zf.open(info) as entry:
                            data = entry.read(MAX_FILE_BYTES + 1)
                    except Exception as exc:  # noqa: BLE001 - a corrupt entry (bad CRC, deflate, password)
                        sub.note(f"{base} in {path.name} could not be read: {type(exc).__name__}: {exc} (re-upload it as a plain .zip or a folder)")
                        continue
                    self.take(base, data)

    def _modules_in(self, zf: zipfile.ZipFile) -> list[tuple[str, zipfile.ZipInfo]]:
        """The entries named like chapter modules, shallowest first; the other
        names are remembered (to explain a missing module)."""
        wanted = []
        for info in zf.infolist():
            name = info.filename.replace("\\", "/")
            base = name.rsplit("/", 1)[-1]
            if not base or "__MACOSX" in name:
                continue
            if base in self.names:
                wanted.append((name.count("/"), name, base, info))
            else:
                self.see(base)
        return [(base, info) for _, _, base, info in sorted(wanted, key=lambda w: w[:2])]

    def folder(self, root: Path) -> None:
        """A bounded walk that never follows links; reads regular files only."""
        found: list[tuple[int, str, str]] = []
        stack: list[tuple[str, int]] = [(str(root), 0)]
        visited = 0
        unreadable = too_deep = 0
        while stack:
            where, depth = stack.pop()
            try:
                with os.scandir(where) as it:
                    entries = list(it)
            except OSError:
                unreadable += 1
                continue
            for entry in entries:
                visited += 1
                if visited > MAX_WALK_ENTRIES:
                    self.sub.note(f"the submission holds more than {MAX_WALK_ENTRIES} files; the rest were not looked at")
                    stack.clear()
                    break
                name = _student_id(entry.name)
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if _ignored(entry.name):
                            continue
                        if depth + 1 < MAX_WALK_DEPTH:
                            stack.append((entry.path, depth + 1))
                        else:
                            too_deep += 1
                        continue
                    is_file = entry.is_file(follow_symlinks=False)
                except OSError:
                    continue
                if is_file and name in self.names:
                    found.append((depth, entry.path, name))
                elif is_file:
                    self.see(name)
        if unreadable:
            self.sub.note(f"{unreadable} folder(s) of the submission could not be read")
        if too_deep:
            self.sub.note(f"folders nested more than {MAX_WALK_DEPTH} levels deep were not looked at")
        for _, path, name in sorted(found):
            data = _read_regular(path, MAX_FILE_BYTES + 1)
            if data is None:
                self.sub.note(f"{name} could not be read")
            else:
                self.take(name, data)


def _zip_directory_size(fh) -> tuple[int, int]:
    """The entry count and central-directory size a zip's end record declares
    ((0, 0) when unknown: zipfile then reports what is wrong)."""
    try:
        end = zipfile._EndRecData(fh)  # the stdlib's own reader of the end record
        return (int(end[zipfile._ECD_ENTRIES_TOTAL]), int(end[zipfile._ECD_SIZE])) if end else (0, 0)
    except (AttributeError, OSError, IndexError, TypeError, ValueError, struct.error):
        return 0, 0
    finally:
        fh.seek(0)


def _read_regular(path: str, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a regular file, without following a link or
    blocking on a FIFO; None when it is not a regular file or cannot be read."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, got = [], 0
        while got < limit:
            chunk = os.read(fd, min(1 << 20, limit - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def misnamed(sub: Submission, filename: str) -> str | None:
    """The file of the submission whose name is closest to the chapter module
    ``filename`` (``ch6_backprop.py``, ``ch06_backprop (1).py``,
    ``ch06_backprop.py.txt``, ``Ch06_Backprop.py``), if one is close."""
    lowered = {s.lower(): s for s in sub.seen}
    close = difflib.get_close_matches(filename, list(lowered), n=1, cutoff=0.8)
    if close:
        return lowered[close[0]]
    # the chapter's number alone: ch2.py, ch02.py, Chapter 2.py, ch2_solution.py
    number = re.match(r"ch0*(\d+)_", filename)
    if number is None:
        return None
    pattern = re.compile(rf"(?:ch|chapter)[ _-]?0*{number.group(1)}(?!\d)[^/]*\.py")
    return next((lowered[name] for name in sorted(lowered) if pattern.fullmatch(name)), None)


def missing_module(sub: Submission, filename: str, others: list[str]) -> tuple[str, str | None]:
    """Why a chapter module is missing (the message of its exercises' checks),
    and a problem line for a misnamed file that was probably meant to be it."""
    message = f"{filename} is missing from the submission"
    near = misnamed(sub, filename)
    if near is not None:
        return message + f"; it holds {near}: rename it to {filename}", (
            f"{near} was not graded: chapter modules must be named exactly; did you mean {filename}? (rename it and submit again)"
        )
    if others:
        return message + f" (it holds {', '.join(sorted(others)[:3])}: another chapter?)", None
    return message, None
