"""What a classroom board accepts: the one definition of every post, its limits and its checks.

The server checks every body with these functions before it stores anything; the client uses
the same limits to shape what it sends (a long run name is cut, a NaN travels as ``null``), so
that a student's ordinary run is never refused. Nothing here executes or unpickles what a
student sends: a body is JSON text, parsed by :func:`parse_json`, which refuses ``NaN`` and
``Infinity`` (Python's ``json`` would accept them), duplicate keys and anything deeper or larger
than a run needs.

Every check raises :class:`ProtocolError` with one sentence that names the field, the rule and
what was sent; the server answers it with status 400 and that sentence.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from typing import Any

from neurona.i18n import _

__all__ = ["ProtocolError", "check_grid", "check_join", "check_nickname", "check_run_post",
           "finite_or_none", "new_code", "new_key", "normalise_code", "parse_json", "show_code"]

#: Characters of a class code: no 0/O, 1/I: a code is read off a projector and typed.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_BODY_BYTES = 1 << 20          # one post: a run of a few hundred epochs fits many times
MAX_NAME = 40                     # a nickname
MAX_RUN_NAME = 80
MAX_TEXT = 200                    # device, hardware line, note, a string hyper-parameter
MAX_HPARAMS = 32
MAX_METRICS = 16
MAX_EPOCH = 10_000
MAX_EPOCHS_PER_POST = 500
MAX_STUDENTS = 500
MAX_RUNS_PER_STUDENT = 200
MAX_GRID_VALUES = 500
MAX_DEPTH = 4
STATUSES = ("running", "finished", "stopped", "diverged", "interrupted")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\- ]{0,39}$")
_RUN_ID = re.compile(r"^[A-Za-z0-9\-]{1,64}$")
_NICKNAME = re.compile(r"^[^\x00-\x1f\x7f]{1,40}$")


class ProtocolError(ValueError):
    """A post the board refuses: the message says which field and why."""


def new_code() -> str:
    """Make a fresh class code, 8 characters (40 bits) students can type."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def new_key() -> str:
    """Make a fresh secret (128 bits, URL-safe): the instructor key or a student's token."""
    return secrets.token_urlsafe(16)


def normalise_code(text: Any) -> str:
    """Return the code as stored: upper case, no spaces or dashes (``abcd-2345`` -> ``ABCD2345``).

    Examples
    --------
    >>> normalise_code(" abcd-2345 ")
    'ABCD2345'
    """
    if not isinstance(text, str):
        raise ProtocolError(_("the class code must be text such as 'ABCD-2345', got {value!r}")
                            .format(value=text))
    return re.sub(r"[\s\-]", "", text).upper()


def show_code(code: str) -> str:
    """Return the code as shown: two groups of four (``ABCD2345`` -> ``ABCD-2345``)."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def parse_json(body: bytes) -> Any:
    """Parse a post's body, refusing what JSON for a run never needs.

    Raises
    ------
    ProtocolError
        Not UTF-8 JSON, ``NaN``/``Infinity``, a key twice in one object, too large or too deep.

    Examples
    --------
    >>> parse_json(b'{"loss": 0.5}')
    {'loss': 0.5}
    >>> parse_json(b'{"loss": NaN}')
    Traceback (most recent call last):
    ...
    neurona.classroom.protocol.ProtocolError: numbers must be finite: NaN is not allowed (send null)
    """
    if len(body) > MAX_BODY_BYTES:
        raise ProtocolError(_("the post is {size} bytes; the most a post may have is {limit}")
                            .format(size=len(body), limit=MAX_BODY_BYTES))

    def constant(name: str):
        raise ProtocolError(_("numbers must be finite: {name} is not allowed (send null)")
                            .format(name=name))

    def pairs(items):
        keys = [k for k, _v in items]
        if len(set(keys)) != len(keys):
            raise ProtocolError(_("a key appears twice in one object"))
        return dict(items)

    try:
        data = json.loads(body.decode("utf-8"), parse_constant=constant, object_pairs_hook=pairs)
    except ProtocolError:
        raise
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(_("the post is not JSON: {error}").format(error=error)) from None
    if _depth(data) > MAX_DEPTH:
        raise ProtocolError(_("the post is nested deeper than a run needs"))
    return data


def check_join(data: Any) -> dict[str, Any]:
    """Check a join post: ``code``, ``name``, optional ``hardware`` and ``token``."""
    data = _object(data, "join", {"code", "name", "hardware", "token"})
    out = {"code": normalise_code(data.get("code", "")),
           "name": check_nickname(data.get("name")),
           "hardware": _text(data.get("hardware", ""), "hardware", MAX_TEXT),
           "token": data.get("token")}
    if out["token"] is not None and not (isinstance(out["token"], str)
                                         and re.fullmatch(r"[A-Za-z0-9_\-]{8,64}", out["token"])):
        raise ProtocolError(_("the token is not one the board gives"))
    return out


def check_nickname(name: Any) -> str:
    """Check a nickname: 1 to 40 printable characters, not only spaces.

    Examples
    --------
    >>> check_nickname("  ana ")
    'ana'
    >>> check_nickname("")
    Traceback (most recent call last):
    ...
    neurona.classroom.protocol.ProtocolError: a nickname is 1 to 40 printable characters ...
    """
    if isinstance(name, str):
        name = " ".join(name.split())
    if not isinstance(name, str) or not _NICKNAME.match(name):
        raise ProtocolError(_("a nickname is 1 to 40 printable characters (a line break "
                              "counts as a space), e.g. name=\"ana\"; got {value!r}").format(
                                  value=name))
    return name


def check_run_post(data: Any) -> dict[str, Any]:
    """Check a run post: the run's fields and its new epochs (numbered from 1).

    Returns the post with every field present and typed; metric values are floats or ``None``.
    """
    data = _object(data, "post", {"run", "epochs"})
    run = _object(data.get("run"), "run", {
        "id", "name", "hparams", "device", "backend", "samples_per_epoch", "parameters",
        "status", "note", "started"})
    run_id = run.get("id")
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
        raise ProtocolError(_("run.id must be 1 to 64 letters, digits or dashes, got {value!r}")
                            .format(value=run_id))
    status = run.get("status", "running")
    if status not in STATUSES:
        raise ProtocolError(_("run.status must be one of {allowed}, got {value!r}").format(
            allowed=", ".join(STATUSES), value=status))
    hparams = _object(run.get("hparams", {}), "run.hparams", None)
    if len(hparams) > MAX_HPARAMS:
        raise ProtocolError(_("run.hparams has {n} entries; the most is {limit}").format(
            n=len(hparams), limit=MAX_HPARAMS))
    clean_hparams = {_key(k, "run.hparams"): _scalar(v, f"run.hparams[{k!r}]")
                     for k, v in hparams.items()}
    epochs = data.get("epochs", [])
    if not isinstance(epochs, list) or len(epochs) > MAX_EPOCHS_PER_POST:
        raise ProtocolError(_("epochs must be a list of at most {limit} epochs").format(
            limit=MAX_EPOCHS_PER_POST))
    clean_epochs, metric_names = [], set()
    for item in epochs:
        item = _object(item, "epoch", {"epoch", "seconds", "metrics"})
        number = item.get("epoch")
        if not (isinstance(number, int) and not isinstance(number, bool)
                and 1 <= number <= MAX_EPOCH):
            raise ProtocolError(_("epoch must be a whole number from 1 to {limit}, got {value!r}")
                                .format(limit=MAX_EPOCH, value=number))
        seconds = _number(item.get("seconds"), "seconds", low=0.0)
        metrics = _object(item.get("metrics", {}), "metrics", None)
        clean = {_key(k, "metrics"): _number(v, f"metrics[{k!r}]", nullable=True)
                 for k, v in metrics.items()}
        metric_names.update(clean)
        clean_epochs.append({"epoch": number, "seconds": seconds, "metrics": clean})
    if len(metric_names) > MAX_METRICS:
        raise ProtocolError(_("a run may have at most {limit} metrics, got {n}").format(
            limit=MAX_METRICS, n=len(metric_names)))
    return {"run": {
        "id": run_id,
        "name": _text(run.get("name", ""), "run.name", MAX_RUN_NAME) or run_id[:8],
        "hparams": clean_hparams,
        "device": _text(run.get("device", ""), "run.device", MAX_TEXT),
        "backend": _text(run.get("backend", ""), "run.backend", 40),
        "samples_per_epoch": _count(run.get("samples_per_epoch"), "run.samples_per_epoch"),
        "parameters": _count(run.get("parameters"), "run.parameters"),
        "status": status,
        "note": _text(run.get("note", ""), "run.note", MAX_TEXT),
        "started": _text(run.get("started", ""), "run.started", 40),
    }, "epochs": clean_epochs}


def check_grid(data: Any) -> dict[str, list[Any]]:
    """Check an assignment: one or two parameters, each a non-empty list of plain values.

    Examples
    --------
    >>> check_grid({"grid": {"learning_rate": [0.001, 0.01]}})
    {'learning_rate': [0.001, 0.01]}
    """
    data = _object(data, "assignment", {"grid"})
    grid = _object(data.get("grid"), "grid", None)
    if not 1 <= len(grid) <= 2:
        raise ProtocolError(_("an assignment has one or two parameters, e.g. "
                              "assign(learning_rate=[0.001, 0.01]); got {n}").format(n=len(grid)))
    clean: dict[str, list[Any]] = {}
    total = 1
    for name, values in grid.items():
        name = _key(name, "grid")
        if not isinstance(values, list) or not values:
            raise ProtocolError(_("{name} needs a non-empty list of values, got {value!r}")
                                .format(name=name, value=values))
        clean[name] = [_scalar(v, name, nullable=False) for v in values]
        total *= len(values)
    if total > MAX_GRID_VALUES:
        raise ProtocolError(_("the grid has {n} combinations; the most is {limit}").format(
            n=total, limit=MAX_GRID_VALUES))
    return clean


def finite_or_none(value: Any) -> float | None:
    """Return a metric as it travels: a finite float, or ``None`` for NaN, infinity or nothing.

    Examples
    --------
    >>> finite_or_none(float("nan")) is None, finite_or_none(2)
    (True, 2.0)
    """
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# -- the pieces ----------------------------------------------------------------------------
def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _object(value: Any, what: str, allowed: set[str] | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProtocolError(_("{what} must be a JSON object, got {kind}").format(
            what=what, kind=type(value).__name__))
    if allowed is not None:
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ProtocolError(_("{what} has unknown fields {fields}; allowed: {allowed}").format(
                what=what, fields=", ".join(unknown), allowed=", ".join(sorted(allowed))))
    return value


def _key(key: str, what: str) -> str:
    if not _KEY.match(key):
        raise ProtocolError(_("{what}: {key!r} is not a name (letters, digits, _ . - and spaces, "
                              "at most 40)").format(what=what, key=key))
    return key


def _text(value: Any, what: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise ProtocolError(_("{what} must be text of at most {limit} characters").format(
            what=what, limit=limit))
    return value


def _number(value: Any, what: str, *, low: float | None = None, nullable: bool = False):
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProtocolError(_("{what} must be a finite number, got {value!r}").format(
            what=what, value=value))
    if low is not None and value < low:
        raise ProtocolError(_("{what} must be at least {low}, got {value!r}").format(
            what=what, low=low, value=value))
    return float(value)


def _count(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**15:
        raise ProtocolError(_("{what} must be a whole number or null, got {value!r}").format(
            what=what, value=value))
    return value


def _scalar(value: Any, what: str, nullable: bool = True) -> Any:
    if value is None and nullable:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return _number(value, what)
    if isinstance(value, int):
        if abs(value) >= 2**53:
            raise ProtocolError(_("{what} is too large a whole number: {value}").format(
                what=what, value=value))
        return value
    if isinstance(value, str):
        return _text(value, what, MAX_TEXT)
    raise ProtocolError(_("{what} must be a number, text, true/false or null, got {kind}").format(
        what=what, kind=type(value).__name__))
