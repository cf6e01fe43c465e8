"""Figure builders for the compare page: pure functions (rows, *, lang, ...) -> go.Figure."""
