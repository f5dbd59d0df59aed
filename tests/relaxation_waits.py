"""Test helpers for a shortlisted part's critical relaxation and its wait."""

from __future__ import annotations


def late_through_its_wait(monkeypatch) -> tuple[list[float | None], list[float | None]]:
    """A shortlisted part's critical relaxation (``critical.Background``) is not done while
    it is waited for (``critical._critical_linear``, which looks at it now and then while
    the search falls back meanwhile), and is done if waited for after. Returns the waits
    asked for during and after."""
    from rotasolve.engine import critical

    during: list[float | None] = []
    after: list[float | None] = []
    waiting = [False]
    wait, linear = critical.Background.wait, critical._critical_linear

    def late(self, seconds):
        (during if waiting[0] else after).append(seconds)
        return None if waiting[0] else wait(self, None)

    def waited(*args, **kwargs):
        waiting[0] = True
        try:
            return linear(*args, **kwargs)
        finally:
            waiting[0] = False

    monkeypatch.setattr(critical.Background, "wait", late)
    monkeypatch.setattr(critical, "_critical_linear", waited)
    return during, after
