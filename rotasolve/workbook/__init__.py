"""The school's workbook: its contract (workbook.md) as data, opening a file of any kind safely,
reading it into an Instance with every problem located, the template, and writing any workbook
safely (user text never a formula, whole or not at all). Below the engine: it knows the domain only."""
