"""Browser tests: a real headless Chromium against `ogdash serve`."""
