"""Figure builders for the learning page: pure functions (rows, *, lang, ...) -> go.Figure."""
