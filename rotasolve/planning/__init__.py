"""Planning ahead (planning.md): what to recruit (``capacity``) and what the next
rotations will bring (``forecast``). Both run the solve engine as it is; no Excel here."""
