"""What each page shows, importable without the page: for a topic, the rows behind its charts and tables (queries),
its chart specs (registered with dashboard.charts on import), its numbers and the sentences that say them.

Pages (dashboard/pages/) place these in a layout and wire callbacks; tables (dashboard/tables.py) draw the records.
"""
