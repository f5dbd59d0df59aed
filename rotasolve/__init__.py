"""rotasolve: psychotherapy training-rotation scheduling for UK core psychiatry."""

__version__ = "0.1.0"
