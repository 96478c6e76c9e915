"""Load policy files (YAML) and the built-ins, and compose a policy with overlays.

Errors are ``ConfigError`` naming the file, the line (from ``yaml.compose``, as the manifest
does) and the rule id, e.g. ``mine.yaml:14: rule 'nc-license': when.terms.non_comercial:
Extra inputs are not permitted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clearance.model.errors import ConfigError
from clearance.model.yaml_config import line_of, parse_yaml
from clearance.policy.schema import SEVERITY, Outcome, Policy

BUILTIN_PACKAGE = "clearance.policy.builtin"


def builtin_names() -> list[str]:
    """The ids of the policies and overlays shipped with clearance."""
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def builtin_policy(name: str) -> Policy:
    if name not in builtin_names():
        raise ConfigError(f"no built-in policy {name!r}; built-ins: {', '.join(builtin_names())}")
    text = resources.files(BUILTIN_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return parse_policy(text, file=f"<builtin {name}>")


def load_policy(ref: str | Path) -> Policy:
    """A policy file path, or the name of a built-in."""
    path = Path(ref)
    if not path.suffix and str(ref) in builtin_names():
        return builtin_policy(str(ref))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read policy: {exc}", file=str(path)) from exc
    return parse_policy(text, file=str(path))


def parse_policy(text: str, *, file: str = "<policy>") -> Policy:
    node, data = parse_yaml(text, file=file)
    if not isinstance(data, dict):
        raise ConfigError("a policy is a mapping with id, version, purpose and rules", file=file)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        raise ConfigError(
            _describe(data, loc, error["msg"]), file=file, line=line_of(node, loc)
        ) from None


def _describe(data: dict[str, Any], loc: tuple[Any, ...], msg: str) -> str:
    """``rule 'x': when.terms.foo: msg`` when the error sits inside a rule."""
    if len(loc) >= 2 and loc[0] in ("rules", "reliances") and isinstance(loc[1], int):
        entries = data.get(loc[0]) or []
        entry = entries[loc[1]] if loc[1] < len(entries) else None
        rid = entry.get("id") if isinstance(entry, dict) else None
        what = "rule" if loc[0] == "rules" else "reliance"
        label = f"{what} {rid!r}" if rid else f"{what} #{loc[1] + 1}"
        rest = ".".join(str(p) for p in loc[2:]) or "(the entry)"
        return f"{label}: {rest}: {msg}"
    return f"{'.'.join(str(p) for p in loc) or '(top level)'}: {msg}"


def compose(base: Policy, overlays: Sequence[Policy]) -> Policy:
    """The base policy with each overlay's rules and reliances appended."""
    if base.kind != "policy":
        raise ConfigError(f"{base.id} is an overlay; name it with --overlay, not --policy")
    if not overlays:
        return base
    rules, reliances = list(base.rules), list(base.reliances)
    default = base.default
    for overlay in overlays:
        if overlay.kind != "overlay":
            raise ConfigError(f"{overlay.id} is a policy, not an overlay (kind: overlay)")
        clash = {r.id for r in rules} & {r.id for r in overlay.rules}
        if clash:
            raise ConfigError(f"overlay {overlay.id} reuses rule ids {sorted(clash)}")
        rules += overlay.rules
        reliances += overlay.reliances
        if SEVERITY[Outcome(overlay.default)] > SEVERITY[Outcome(default)]:
            default = overlay.default
    return base.model_copy(
        update={
            "id": "+".join([base.id, *(o.id for o in overlays)]),
            "version": "+".join([base.version, *(o.version for o in overlays)]),
            "rules": rules,
            "reliances": reliances,
            "default": default,
            "min_license_confidence": max(
                [base.min_license_confidence, *(o.min_license_confidence for o in overlays)]
            ),
        }
    )


def resolve_policy(
    purpose: str | None, policy: str | None = None, overlays: Sequence[str] = ()
) -> Policy:
    """The policy for a command line: ``--policy`` (file or built-in) or the built-in named
    like the purpose, plus overlays; the purpose must match the policy's."""
    if policy is None and purpose is None:
        raise ConfigError("give --purpose (a built-in policy name) or --policy FILE")
    base = load_policy(policy) if policy is not None else builtin_policy(str(purpose))
    if purpose is not None and base.purpose != purpose:
        raise ConfigError(f"policy {base.id} is for purpose {base.purpose!r}, not {purpose!r}")
    return compose(base, [load_policy(o) for o in overlays])
