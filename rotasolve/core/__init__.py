"""The foundation every layer may use: errors, dates, the run's deadline and stop request,
progress events, atomic file writing, the rule ids, the version and the engine's tuned constants."""
