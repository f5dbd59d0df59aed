"""Test helpers for a shortlisted part's critical relaxation and its wait."""

from __future__ import annotations


def point_late_through_its_wait(monkeypatch) -> list[float | None]:
    """PDLP's point on a shortlisted part's critical relaxation (``critical.FirstOrderBound``
    with ``point``) is not done while it is waited for (``critical._critical_linear``), as on
    a machine far slower than planned for. Returns the waits asked for."""
    from rotasolve.engine import critical

    during: list[float | None] = []
    waiting = [False]
    wait, linear = critical.FirstOrderBound.wait, critical._critical_linear

    def late(self, seconds):
        if waiting[0]:
            during.append(seconds)
            return None
        return wait(self, seconds)

    def waited(*args, **kwargs):
        waiting[0] = True
        try:
            return linear(*args, **kwargs)
        finally:
            waiting[0] = False

    monkeypatch.setattr(critical.FirstOrderBound, "wait", late)
    monkeypatch.setattr(critical, "_critical_linear", waited)
    return during


def highs_never_done(monkeypatch) -> None:
    """HiGHS on the critical relaxation (``critical.Background``) never gives its result."""
    from rotasolve.engine import critical

    monkeypatch.setattr(critical.Background, "wait", lambda self, seconds: None)
